/**
 * A loopback SMTP sink in its own process (NOTES.md: figures are higher, and fairer, when the sink
 * does not share the sender's event loop). Counts accepted mails; nothing is kept.
 * Parent protocol (IPC): it sends { url } once listening; answers 'count' with { count }.
 * Also usable on its own: `npx tsx test/bench/smtp-sink-process.ts` prints the URL.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

export interface SinkProcess {
  url: string;
  count(): Promise<number>;
  close(): Promise<void>;
}

/** Forks this file as the sink (tsx's loader is inherited through execArgv). */
export async function startSinkProcess(): Promise<SinkProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child'], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
  const waiters: ((n: number) => void)[] = [];
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`SMTP sink process exited early (${code})`)));
    child.on('message', (m: { url?: string; count?: number }) => {
      if (m.url) resolve(m.url);
      if (typeof m.count === 'number') waiters.shift()?.(m.count);
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    count: () =>
      new Promise<number>((resolve) => {
        waiters.push(resolve);
        child.send('count');
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function serve(): Promise<void> {
  let count = 0;
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    size: 10 * 1024 * 1024,
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        count += session.envelope.rcptTo.length;
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  if (process.send) {
    process.send({ url });
    process.on('message', (m) => {
      if (m === 'count') process.send!({ count });
    });
    process.on('disconnect', () => process.exit(0));
  } else {
    console.log(url);
  }
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

if (process.argv.includes('--child') || process.argv[1] === fileURLToPath(import.meta.url)) await serve();
