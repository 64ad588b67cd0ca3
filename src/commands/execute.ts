import { AppError, isAppError } from '../domain/errors.js';
import { contactCommands, listCommands, segmentCommands } from './audience-commands.js';
import { campaignCommands } from './campaign-commands.js';
import type { CommandContext } from './command-context.js';
import type { Role } from './command-roles.js';
import { deliveryCommands } from './delivery-commands.js';
import { appErrorReply } from './error-replies.js';
import type { CommandKey, CommandOf, Command } from './grammar/commands.js';
import { helpText } from './grammar/help.js';
import { errorReply, reply, type Reply } from './reply.js';
import { templateCommands } from './template-commands.js';
import { compareCommand, statsCommand } from './report-commands.js';
import { exportCommand } from './export-commands.js';
import { linkCommands } from './link-commands.js';
import { digestCommand } from './digest-command.js';
import { uploadCommands, type UploadCommand, type UploadKey } from './upload-commands.js';

/** Who is asking: the console's user or a Slack user id, recorded as the actor of every change. */
export interface Actor {
  id: string;
}

export interface CommandLogger {
  error(message: string, context: Record<string, unknown>): void;
}

/** Every command the command layer runs: the grammar's (typed or built by an edge) and the uploads'. */
export type ExecutableCommand = Command | UploadCommand;
export type ExecutableKey = CommandKey | UploadKey;
type ExecutableOf<K extends ExecutableKey> = K extends CommandKey ? CommandOf<K> : Extract<UploadCommand, { name: K extends `${infer N} ${string}` ? N : never }>;

interface Handler<C> {
  /** The role the command needs; a function when it depends on the command's values. */
  role: Role | ((command: C) => Role);
  run(ctx: CommandContext, command: C, actor: string): Promise<Reply>;
}
type HandlerTable = { [K in ExecutableKey]: Handler<ExecutableOf<K>> };

const read = 'viewer' as const;
const change = 'marketer' as const;


/**
 * Templates read from files on Herald's own server are admin-only: the path is the server's, not
 * the person's, so anyone else could read server files into a template or an error message.
 */
const templateFileRole = (cmd: { htmlFile?: string; textFile?: string }): Role => (cmd.htmlFile !== undefined || cmd.textFile !== undefined ? 'admin' : change);

/** One row per command: the role it needs and what runs it. */
const HANDLERS: HandlerTable = {
  help: { role: read, run: async (_ctx, cmd) => reply(helpText(cmd.subcommand), [{ type: 'text', text: helpText(cmd.subcommand) }]) },
  list: { role: read, run: (ctx, cmd) => campaignCommands.list(ctx.deps, cmd) },
  show: { role: read, run: (ctx, cmd) => campaignCommands.show(ctx.deps, cmd) },
  new: { role: change, run: (ctx, cmd, actor) => campaignCommands.new(ctx.deps, cmd, actor) },
  edit: { role: change, run: (ctx, cmd, actor) => campaignCommands.edit(ctx.deps, cmd, actor) },
  preview: { role: read, run: (ctx, cmd) => deliveryCommands.preview(ctx, cmd) },
  test: { role: change, run: (ctx, cmd, actor) => deliveryCommands.test(ctx, cmd, actor) },
  clone: { role: change, run: (ctx, cmd, actor) => campaignCommands.clone(ctx.deps, cmd, actor) },
  run: {
    role: change,
    run: async (ctx, cmd, actor) => {
      const r = await campaignCommands.run(ctx.deps, cmd, actor);
      ctx.worker?.wake();
      return r;
    },
  },
  schedule: { role: change, run: (ctx, cmd, actor) => campaignCommands.schedule(ctx.deps, cmd, actor) },
  pause: { role: change, run: (ctx, cmd, actor) => campaignCommands.pause(ctx.deps, cmd, actor) },
  resume: { role: change, run: (ctx, cmd, actor) => campaignCommands.resume(ctx.deps, cmd, actor) },
  stop: { role: change, run: (ctx, cmd, actor) => campaignCommands.stop(ctx.deps, cmd, actor) },
  cancel: { role: change, run: (ctx, cmd, actor) => campaignCommands.cancel(ctx.deps, cmd, actor) },
  relaunch: { role: change, run: (ctx, cmd, actor) => campaignCommands.relaunch(ctx.deps, cmd, actor) },
  resubmit: { role: change, run: (ctx, cmd, actor) => campaignCommands.resubmit(ctx.deps, cmd, actor) },
  delete: { role: change, run: (ctx, cmd, actor) => campaignCommands.delete(ctx.deps, cmd, actor) },
  calendar: { role: read, run: (ctx, cmd) => campaignCommands.calendar(ctx.deps, cmd) },
  activity: { role: read, run: (ctx, cmd) => campaignCommands.activity(ctx.deps, cmd) },
  retry: { role: change, run: (ctx, cmd, actor) => deliveryCommands.retry(ctx, cmd, actor) },
  messages: { role: read, run: (ctx, cmd) => deliveryCommands.messages(ctx, cmd) },
  outbox: { role: change, run: (ctx, cmd) => deliveryCommands.outbox(ctx, cmd) },
  export: { role: change, run: (ctx, cmd) => exportCommand(ctx, cmd) },
  stats: { role: read, run: (ctx, cmd) => statsCommand(ctx, cmd) },
  compare: { role: read, run: (ctx, cmd) => compareCommand(ctx, cmd) },
  'links list': { role: read, run: (ctx, cmd) => linkCommands.list(ctx, cmd) },
  'links edit': { role: change, run: (ctx, cmd, actor) => linkCommands.edit(ctx, cmd, actor) },
  // Reading the digest is a report; posting it speaks in the managers' channel for Herald.
  digest: { role: (cmd) => (cmd.post ? change : read), run: (ctx, cmd) => digestCommand(ctx, cmd) },
  approve: { role: 'approver', run: (ctx, cmd, actor) => campaignCommands.approve(ctx.deps, cmd, actor) },
  deny: { role: 'approver', run: (ctx, cmd, actor) => campaignCommands.deny(ctx.deps, cmd, actor) },
  // A path is a file on Herald's server: admin only (marketers upload files in Slack: 'contacts upload').
  'contacts import': { role: 'admin', run: (ctx, cmd, actor) => contactCommands.import(ctx.deps, cmd, actor, ctx.files) },
  'contacts show': { role: read, run: (ctx, cmd) => contactCommands.show(ctx.deps, cmd) },
  'contacts upload': { role: change, run: (ctx, cmd, actor) => uploadCommands.contacts(ctx.deps, cmd, actor) },
  'lists list': { role: read, run: (ctx) => listCommands.list(ctx.deps) },
  'lists create': { role: change, run: (ctx, cmd, actor) => listCommands.create(ctx.deps, cmd, actor) },
  'lists show': { role: read, run: (ctx, cmd) => listCommands.show(ctx.deps, cmd) },
  'lists delete': { role: change, run: (ctx, cmd) => listCommands.delete(ctx.deps, cmd) },
  'segments list': { role: read, run: (ctx) => segmentCommands.list(ctx.deps) },
  'segments create': { role: change, run: (ctx, cmd, actor) => segmentCommands.create(ctx.deps, cmd, actor) },
  'segments show': { role: read, run: (ctx, cmd) => segmentCommands.show(ctx.deps, cmd) },
  'segments delete': { role: change, run: (ctx, cmd) => segmentCommands.delete(ctx.deps, cmd) },
  'templates list': { role: read, run: (ctx) => templateCommands.list(ctx.deps) },
  'templates create': { role: templateFileRole, run: (ctx, cmd, actor) => templateCommands.create(ctx.deps, cmd, actor, ctx.files) },
  'templates show': { role: read, run: (ctx, cmd) => templateCommands.show(ctx.deps, cmd) },
  'templates edit': { role: templateFileRole, run: (ctx, cmd, actor) => templateCommands.edit(ctx.deps, cmd, actor, ctx.files) },
  'templates delete': { role: change, run: (ctx, cmd) => templateCommands.delete(ctx.deps, cmd) },
  'templates upload': { role: change, run: (ctx, cmd, actor) => uploadCommands.templates(ctx.deps, cmd, actor) },
};

/** A command's key in the table: `pause`, `lists create`. */
export function executableKey(command: ExecutableCommand): ExecutableKey {
  return ('action' in command ? `${command.name} ${command.action}` : command.name) as ExecutableKey;
}

function handlerOf(command: ExecutableCommand): Handler<ExecutableCommand> {
  return HANDLERS[executableKey(command)] as Handler<ExecutableCommand>;
}

/** The role a command needs, read from the table; edges check it against the person's before executing. */
export function roleFor(command: ExecutableCommand): Role {
  const { role } = handlerOf(command);
  return typeof role === 'function' ? role(command) : role;
}

/**
 * The role every command of a key needs, for an edge that must check before it can build the
 * command (an upload refused before its file is downloaded, a link's Edit button shown or its modal
 * opened); the command itself is checked again.
 */
export function roleForKey(key: 'contacts upload' | 'templates upload' | 'links edit'): Role {
  const { role } = HANDLERS[key];
  return typeof role === 'function' ? 'admin' : role;
}

export interface Executor {
  /**
   * Runs one typed command for an actor and answers a Reply, worded for no edge in particular: a
   * refusal carries its code and field (Reply.field), a confirmation what confirms it. Domain
   * refusals become replies; anything else is logged and answered without details.
   */
  execute(command: ExecutableCommand, actor: Actor): Promise<Reply>;
}

/** The one typed entry point the console, `/campaign` and Slack's modals and buttons share. */
export function createExecutor(ctx: CommandContext, logger: CommandLogger): Executor {
  return {
    async execute(command, actor) {
      try {
        return await handlerOf(command).run(ctx, command, actor.id);
      } catch (error) {
        const key = executableKey(command);
        // An AppError that says what an unexpected failure left behind (an import stopped part-way)
        // still has its cause logged with the stack.
        const cause = isAppError(error) ? (error as Error).cause : undefined;
        if (cause !== undefined && !isAppError(cause)) {
          logger.error('command stopped part-way', { command: key, actor: actor.id, error: cause instanceof Error ? cause.stack : String(cause) });
        }
        if (isAppError(error)) return appErrorReply(error);
        const campaignId = 'campaignId' in command ? command.campaignId : undefined;
        logger.error('command failed', { command: key, campaignId, actor: actor.id, error: error instanceof Error ? error.stack : String(error) });
        return errorReply(`Something went wrong running /campaign ${key}; nothing was changed by the failed step. The error was logged.`);
      }
    },
  };
}
