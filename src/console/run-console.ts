import readline from 'node:readline';
import type { Actor } from '../commands/handle-command.js';
import type { Reply } from '../commands/reply.js';
import { renderText } from './render-text.js';

export interface ConsoleOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  handle: (line: string, actor: Actor) => Promise<Reply>;
  actor: Actor;
  banner: string;
}

/**
 * The local console: the same `/campaign …` grammar as Slack, replies rendered as plain text.
 * Interactive on a terminal; otherwise one command per line until end of input, so scripts can drive
 * it. Blank lines and lines starting with `#` are skipped. Resolves to the number of failed commands.
 */
export async function runConsole(options: ConsoleOptions): Promise<number> {
  const interactive = options.input.isTTY === true;
  const rl = readline.createInterface({ input: options.input, output: interactive ? options.output : undefined, terminal: interactive });
  const write = (text: string) => options.output.write(`${text}\n`);
  let failures = 0;
  if (interactive) {
    write(options.banner);
    rl.setPrompt('herald> ');
    rl.prompt();
  }
  for await (const raw of rl) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) {
      if (interactive) rl.prompt();
      continue;
    }
    if (interactive && (line === 'exit' || line === 'quit')) break;
    if (!interactive) write(`> ${line}`);
    const reply = await options.handle(line, options.actor);
    if (!reply.ok) failures += 1;
    write(renderText(reply));
    write('');
    if (interactive) rl.prompt();
  }
  rl.close();
  return failures;
}
