import { executableKey, roleFor, type ExecutableCommand } from '../commands/execute.js';
import { errorReply, type Reply } from '../commands/reply.js';
import { hasRole, refusalText } from './roles.js';
import type { SlackContext } from './slack-context.js';

export interface CommandOutcome {
  reply: Reply;
  /** Why nothing ran: the person lacks the role, or the same request was already applied. */
  skipped?: 'forbidden' | 'duplicate';
}

/**
 * Runs one typed command for a Slack user: re-checks the user's role on every call against the role
 * the command needs (read from the command layer's table; nothing from the request body is trusted
 * for it), claims the idempotency key of a state-changing request so a Slack retry or a double
 * click applies once, then executes it through the command layer shared with the console. A key is
 * given back when the command did not apply, so the person can correct it and try again.
 */
export async function runCommand(ctx: SlackContext, command: ExecutableCommand, userId: string, options: { key?: string; what?: string } = {}): Promise<CommandOutcome> {
  const role = await ctx.roleOf(userId);
  const needed = roleFor(command);
  if (!hasRole(role, needed)) {
    const what = options.what ?? `/campaign ${executableKey(command)}`;
    return { reply: errorReply(refusalText(needed, role, what)), skipped: 'forbidden' };
  }
  const key = needed !== 'viewer' ? options.key : undefined;
  if (key && !(await ctx.idempotency.claim(key, ctx.deps.clock.now()))) {
    const earlier = await ctx.idempotency.recall(key);
    // The first delivery may still be running (nothing remembered yet): say so rather than "done".
    const text =
      typeof earlier?.text === 'string'
        ? `Already done: this request was applied once (${earlier.text}); it was not applied again.`
        : 'Already received: this request is being applied once; it will not be applied again.';
    return { reply: { ...errorReply(text), ok: true }, skipped: 'duplicate' };
  }
  let reply: Reply;
  try {
    reply = await ctx.execute(command, { id: userId });
  } catch (error) {
    if (key) await ctx.idempotency.release(key);
    throw error;
  }
  if (key) {
    if (reply.ok) await ctx.idempotency.remember(key, { text: reply.text.slice(0, 500) });
    else await ctx.idempotency.release(key);
  }
  return { reply };
}
