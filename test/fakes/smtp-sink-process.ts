/**
 * A loopback SMTP sink in its own process, so what it counts does not share Herald's fate (a crash
 * test SIGKILLs Herald, not the sink) nor its event loop (NOTES.md: figures are higher, and fairer).
 * Counts every accepted mail per recipient; keeps nothing else.
 * Parent protocol (IPC): it sends { url } once listening; answers 'count' with { count }, 'tally' with
 * { tally: { recipient: mails } }, and { notifyAt: n } with { reached: n } once n mails have arrived.
 * Also usable on its own: `npx tsx test/fakes/smtp-sink-process.ts` prints the URL.
 */
import { fork, type ChildProcess } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { SMTPServer } from 'smtp-server';

export interface SinkProcess {
  url: string;
  count(): Promise<number>;
  /** Mails received per recipient (lower-cased address). */
  tally(): Promise<Map<string, number>>;
  /** Resolves once `n` mails in all have arrived (at once if they already have). */
  reached(n: number): Promise<void>;
  close(): Promise<void>;
}

type FromSink = { url?: string; count?: number; tally?: Record<string, number>; reached?: number };

/**
 * Forks this file as the sink, under tsx whoever the parent is (a test worker, the bench).
 * `replyDelayMs`: how long it takes to answer MAIL FROM, RCPT TO and each message, as a server a
 * network round trip away does.
 */
export async function startSinkProcess(options: { replyDelayMs?: number } = {}): Promise<SinkProcess> {
  const child: ChildProcess = fork(fileURLToPath(import.meta.url), ['--child', `--reply-delay-ms=${options.replyDelayMs ?? 0}`], {
    execArgv: ['--import', 'tsx'],
    stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
  });
  const counts: ((n: number) => void)[] = [];
  const tallies: ((t: Record<string, number>) => void)[] = [];
  const thresholds = new Map<number, (() => void)[]>();
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`SMTP sink process exited early (${code})`)));
    child.on('message', (m: FromSink) => {
      if (m.url) resolve(m.url);
      if (typeof m.count === 'number') counts.shift()?.(m.count);
      if (m.tally) tallies.shift()?.(m.tally);
      if (typeof m.reached === 'number') {
        for (const done of thresholds.get(m.reached) ?? []) done();
        thresholds.delete(m.reached);
      }
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    count: () =>
      new Promise<number>((resolve) => {
        counts.push(resolve);
        child.send('count');
      }),
    tally: () =>
      new Promise<Map<string, number>>((resolve) => {
        tallies.push((t) => resolve(new Map(Object.entries(t))));
        child.send('tally');
      }),
    reached: (n) =>
      new Promise<void>((resolve) => {
        thresholds.set(n, [...(thresholds.get(n) ?? []), resolve]);
        child.send({ notifyAt: n });
      }),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

async function serve(): Promise<void> {
  const delayArg = process.argv.find((a) => a.startsWith('--reply-delay-ms='));
  const replyDelayMs = delayArg ? Number(delayArg.split('=')[1]) : 0;
  let count = 0;
  const perRecipient = new Map<string, number>();
  const waiting = new Set<number>();
  const notify = () => {
    for (const n of waiting) {
      if (count >= n) {
        waiting.delete(n);
        process.send?.({ reached: n });
      }
    }
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    closeTimeout: 100,
    size: 10 * 1024 * 1024,
    // A server across a network answers each command a round trip later.
    onMailFrom: (_address, _session, callback) => (replyDelayMs > 0 ? void setTimeout(callback, replyDelayMs) : callback()),
    onRcptTo: (_address, _session, callback) => (replyDelayMs > 0 ? void setTimeout(callback, replyDelayMs) : callback()),
    onData(stream, session, callback) {
      stream.on('data', () => {});
      stream.on('end', () => {
        // Counted when the whole message is in, before the 250 reply: a sender killed now has sent it.
        for (const rcpt of session.envelope.rcptTo) {
          const to = rcpt.address.toLowerCase();
          perRecipient.set(to, (perRecipient.get(to) ?? 0) + 1);
          count += 1;
        }
        notify();
        if (replyDelayMs > 0) setTimeout(callback, replyDelayMs);
        else callback();
      });
    },
  });
  // A client killed mid-session resets its socket; that is the point of a crash test, not a failure.
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const url = `smtp://127.0.0.1:${(server.server.address() as AddressInfo).port}`;
  if (process.send) {
    process.send({ url });
    process.on('message', (m: unknown) => {
      if (m === 'count') process.send!({ count });
      else if (m === 'tally') process.send!({ tally: Object.fromEntries(perRecipient) });
      else if (typeof m === 'object' && m !== null && typeof (m as { notifyAt?: unknown }).notifyAt === 'number') {
        waiting.add((m as { notifyAt: number }).notifyAt);
        notify();
      }
    });
    process.on('disconnect', () => process.exit(0));
  } else {
    console.log(url);
  }
  process.on('SIGTERM', () => server.close(() => process.exit(0)));
}

if (process.argv.includes('--child') || process.argv[1] === fileURLToPath(import.meta.url)) await serve();
