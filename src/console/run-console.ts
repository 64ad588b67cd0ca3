import readline from 'node:readline';
import type { Actor } from '../commands/handle-command.js';
import type { Reply } from '../commands/reply.js';
import type { Notification } from '../domain/ports/notifier.js';
import { notificationLine } from './notification-line.js';
import { renderText } from './render-text.js';

export interface ConsoleOptions {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  handle: (line: string, actor: Actor) => Promise<Reply>;
  actor: Actor;
  banner: string;
  /** Draws a reply's charts (Reply.charts) and answers the lines to print after it: the PNG files written, or why not. */
  charts?: (reply: Reply, line: string) => Promise<string[]>;
  /** Herald's notifications, printed as they happen (issue 12), in `timeZone`. */
  notifications?: {
    subscribe(listener: (n: Notification) => void): () => void;
    /** Resolves once what was emitted so far has been delivered: a command's own notifications follow its reply. */
    settled(): Promise<void>;
    timeZone: string;
  };
}

/**
 * The local console: the same `/campaign …` grammar as Slack, replies rendered as plain text.
 * Interactive on a terminal; otherwise one command per line until end of input, so scripts can drive
 * it. Blank lines and lines starting with `#` are skipped. Resolves to the number of failed commands.
 *
 * Notifications print as one line each, between prompts: while a command runs they wait and follow
 * its reply, so a reply is never split; at an idle prompt they print above it and the prompt (with
 * what was typed so far) is drawn again.
 */
export async function runConsole(options: ConsoleOptions): Promise<number> {
  const interactive = options.input.isTTY === true;
  const rl = readline.createInterface({ input: options.input, output: interactive ? options.output : undefined, terminal: interactive });
  const write = (text: string) => options.output.write(`${text}\n`);
  let failures = 0;
  let busy = false;
  const held: string[] = [];
  const flush = () => {
    for (const line of held.splice(0)) write(line);
  };
  const unsubscribe = options.notifications?.subscribe((n) => {
    const line = notificationLine(n, options.notifications!.timeZone);
    if (busy) {
      held.push(line);
    } else if (interactive) {
      // Clear the prompt line, print above it, then redraw the prompt and what was typed.
      options.output.write('\r\x1b[K');
      write(line);
      rl.prompt(true);
    } else {
      write(line);
    }
  });
  try {
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
      busy = true;
      try {
        if (!interactive) write(`> ${line}`);
        const reply = await options.handle(line, options.actor);
        if (!reply.ok) failures += 1;
        write(renderText(reply));
        if (reply.charts?.length && options.charts) for (const chartLine of await options.charts(reply, line)) write(chartLine);
        write('');
        await options.notifications?.settled();
      } finally {
        busy = false;
      }
      flush();
      if (interactive) rl.prompt();
    }
  } finally {
    unsubscribe?.();
    flush();
    rl.close();
  }
  return failures;
}
