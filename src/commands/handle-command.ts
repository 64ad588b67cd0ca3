import type { CommandContext } from './command-context.js';
import { createExecutor, executableKey, type Actor, type CommandLogger } from './execute.js';
import { CommandSyntaxError, parseCommand } from './grammar/parse-command.js';
import type { Reply } from './reply.js';
import { syntaxErrorReply, typedReply } from './typed-reply.js';

export type { Actor, CommandLogger } from './execute.js';

/**
 * A typed command line in, a Reply out: what the console runs (and tests drive). The line is parsed
 * into a Command once, executed through the one typed entry point, and the reply worded for
 * someone who types (flags named, `--confirm` spelled out).
 */
export function createCommandHandler(ctx: CommandContext, logger: CommandLogger) {
  const { execute } = createExecutor(ctx, logger);
  return async function handle(line: string, actor: Actor): Promise<Reply> {
    let command;
    try {
      command = parseCommand(line);
    } catch (error) {
      if (error instanceof CommandSyntaxError) return syntaxErrorReply(error);
      throw error;
    }
    return typedReply(await execute(command, actor), executableKey(command));
  };
}
