import { AppError, isAppError } from '../domain/errors.js';
import { contactCommands, listCommands, segmentCommands } from './audience-commands.js';
import { campaignCommands } from './campaign-commands.js';
import type { CommandContext } from './command-context.js';
import { deliveryCommands } from './delivery-commands.js';
import { appErrorReply } from './error-replies.js';
import { CommandSyntaxError, parseCommand } from './grammar/parse-command.js';
import type { Command } from './grammar/commands.js';
import { helpText } from './grammar/help.js';
import { errorReply, reply, type Reply } from './reply.js';
import { templateCommands } from './template-commands.js';

/** Who is asking: the console's user or a Slack user id, recorded as the actor of every change. */
export interface Actor {
  id: string;
}

export interface CommandLogger {
  error(message: string, context: Record<string, unknown>): void;
}

/**
 * The command layer Slack and the console share: text in, Reply out. Parsing, dispatch and the
 * mapping of errors to replies live here once.
 */
export function createCommandHandler(ctx: CommandContext, logger: CommandLogger) {
  return async function handle(line: string, actor: Actor): Promise<Reply> {
    let command: Command;
    try {
      command = parseCommand(line);
    } catch (error) {
      if (error instanceof CommandSyntaxError) {
        return { ...errorReply(error.message, [{ type: 'text', text: `Usage:\n${error.usage}` }]), code: error.code };
      }
      throw error;
    }
    try {
      return await dispatch(ctx, command, actor.id);
    } catch (error) {
      if (isAppError(error)) return appErrorReply(error);
      const campaignId = 'campaignId' in command ? command.campaignId : undefined;
      logger.error('command failed', { command: command.name, campaignId, actor: actor.id, error: error instanceof Error ? error.stack : String(error) });
      return errorReply(`Something went wrong running /campaign ${command.name}; nothing was changed by the failed step. The error was logged.`);
    }
  };
}

function notAvailable(name: string, issue: string): never {
  throw new AppError('NOT_AVAILABLE', `/campaign ${name} arrives with ${issue}; it is not in this build yet.`);
}

async function dispatch(ctx: CommandContext, cmd: Command, actor: string): Promise<Reply> {
  const deps = ctx.deps;
  switch (cmd.name) {
    case 'help':
      return reply(helpText(cmd.subcommand), [{ type: 'text', text: helpText(cmd.subcommand) }]);
    case 'new':
      return campaignCommands.new(deps, cmd, actor);
    case 'edit':
      return campaignCommands.edit(deps, cmd, actor);
    case 'show':
      return campaignCommands.show(deps, cmd);
    case 'list':
      return campaignCommands.list(deps, cmd);
    case 'clone':
      return campaignCommands.clone(deps, cmd, actor);
    case 'delete':
      return campaignCommands.delete(deps, cmd, actor);
    case 'run': {
      const r = await campaignCommands.run(deps, cmd, actor);
      ctx.worker?.wake();
      return r;
    }
    case 'schedule':
      return campaignCommands.schedule(deps, cmd, actor);
    case 'pause':
      return campaignCommands.pause(deps, cmd, actor);
    case 'resume':
      return campaignCommands.resume(deps, cmd, actor);
    case 'stop':
      return campaignCommands.stop(deps, cmd, actor);
    case 'cancel':
      return campaignCommands.cancel(deps, cmd, actor);
    case 'relaunch':
      return campaignCommands.relaunch(deps, cmd, actor);
    case 'resubmit':
      return campaignCommands.resubmit(deps, cmd, actor);
    case 'approve':
      return campaignCommands.approve(deps, cmd, actor);
    case 'deny':
      return campaignCommands.deny(deps, cmd, actor);
    case 'activity':
      return campaignCommands.activity(deps, cmd);
    case 'calendar':
      return campaignCommands.calendar(deps, cmd);
    case 'contacts':
      return cmd.action === 'import' ? contactCommands.import(deps, cmd, actor) : contactCommands.show(deps, cmd);
    case 'lists':
      switch (cmd.action) {
        case 'list':
          return listCommands.list(deps);
        case 'create':
          return listCommands.create(deps, cmd, actor);
        case 'show':
          return listCommands.show(deps, cmd);
        case 'delete':
          return listCommands.delete(deps, cmd);
      }
      break;
    case 'segments':
      switch (cmd.action) {
        case 'list':
          return segmentCommands.list(deps);
        case 'create':
          return segmentCommands.create(deps, cmd, actor);
        case 'show':
          return segmentCommands.show(deps, cmd);
        case 'delete':
          return segmentCommands.delete(deps, cmd);
      }
      break;
    case 'templates':
      switch (cmd.action) {
        case 'list':
          return templateCommands.list(deps);
        case 'create':
          return templateCommands.create(deps, cmd, actor);
        case 'show':
          return templateCommands.show(deps, cmd);
        case 'edit':
          return templateCommands.edit(deps, cmd, actor);
        case 'delete':
          return templateCommands.delete(deps, cmd);
      }
      break;
    case 'preview':
      return deliveryCommands.preview(ctx, cmd);
    case 'test':
      return deliveryCommands.test(ctx, cmd, actor);
    case 'retry':
      return deliveryCommands.retry(ctx, cmd, actor);
    case 'messages':
      return deliveryCommands.messages(ctx, cmd);
    case 'outbox':
      return deliveryCommands.outbox(ctx, cmd);
    case 'stats': return (await import('./report-commands.js')).statsCommand(ctx, cmd);
    case 'export':
    case 'compare':
    case 'links':
    case 'digest':
      return notAvailable(cmd.name, 'tracking, metrics and reports');
  }
  throw new AppError('INVALID_INPUT', `Unhandled command ${(cmd as { name: string }).name}.`);
}
