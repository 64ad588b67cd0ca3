import { CommandSyntaxError, parseCommand } from '../commands/grammar/parse-command.js';
import { errorReply, type Reply } from '../commands/reply.js';
import { hasRole, refusalText, roleFor, type Role } from './roles.js';
import type { SlackContext } from './slack-context.js';

export interface CommandOutcome {
  reply: Reply;
  /** Why nothing ran: the person lacks the role, or the same request was already applied. */
  skipped?: 'forbidden' | 'duplicate';
}

/** Quotes a value for the command grammar: double quotes, with `\` and `"` escaped. */
export function quote(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The role a command line needs, or null when it does not parse (the command layer explains why). */
export function roleForLine(line: string): Role | null {
  try {
    return roleFor(parseCommand(line));
  } catch (error) {
    if (error instanceof CommandSyntaxError) return null;
    throw error;
  }
}

/**
 * Runs one command line for a Slack user: re-checks the user's role on every call (nothing from
 * the request body is trusted for it), claims the idempotency key of a state-changing request so a
 * Slack retry or a double click applies once, then calls the command layer shared with the console.
 * A key is given back when the command did not apply, so the person can correct it and try again.
 */
export async function runCommand(ctx: SlackContext, line: string, userId: string, options: { key?: string; what?: string } = {}): Promise<CommandOutcome> {
  const role = await ctx.roleOf(userId);
  const needed = roleForLine(line) ?? 'viewer';
  if (!hasRole(role, needed)) {
    const what = options.what ?? `/campaign ${line.trim().split(/\s+/).slice(0, 2).join(' ')}`;
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
    reply = await ctx.handle(line, { id: userId });
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
