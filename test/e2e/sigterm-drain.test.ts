import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/herald-process.js';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp-sink.js';
import { createTestDatabase, ENGINES, type Engine } from '../support/test-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RECIPIENTS = 40;
const BATCH = 10;

/** The real entry point (`npm start`) with a script on stdin, as test/e2e/crash-safety.test.ts starts it. */
function start(env: NodeJS.ProcessEnv, script: string): { child: ChildProcess; output: () => string; waitFor: (text: RegExp) => Promise<void>; done: Promise<{ code: number | null; signal: NodeJS.Signals | null }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HTTP_PORT: '0', ACCOUNT_TIME_ZONE: 'UTC', HERALD_ACTOR: 'sigterm-test', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  const waiters: { text: RegExp; resolve: () => void }[] = [];
  const collect = (d: Buffer) => {
    out += d.toString();
    for (const w of [...waiters]) if (w.text.test(out)) waiters.splice(waiters.indexOf(w), 1), w.resolve();
  };
  child.stdout!.on('data', collect);
  child.stderr!.on('data', collect);
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  child.stdin!.end(script);
  return {
    child,
    output: () => out,
    waitFor: (text) => (text.test(out) ? Promise.resolve() : new Promise((resolve) => waiters.push({ text, resolve }))),
    done,
  };
}

describe.each(ENGINES)('SIGTERM on %s: a clean stop lets the batch in flight finish', (engine: Engine) => {
  const tmp = tempDir('herald-sigterm-');
  let sink: SmtpSink;
  let dropDatabase = async () => {};
  afterAll(async () => {
    await sink?.close();
    await dropDatabase();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('finishes the batch the SMTP server is holding, leaves nothing unknown or sending, and exits 0', async () => {
    sink = await startSmtpSink();
    const csv = path.join(tmp, 'contacts.csv');
    fs.writeFileSync(csv, `email,first_name\n${Array.from({ length: RECIPIENTS }, (_, i) => `t${i}@term.example.com,T${i}`).join('\n')}\n`);
    const env: NodeJS.ProcessEnv = { SMTP_URL: sink.url, SMTP_POOL_SIZE: '5', SEND_BATCH_SIZE: String(BATCH), EMAIL_RATE_PER_SECOND: '1000' };
    let inspect: () => Promise<{ status: string; recipient: string }[]>;
    if (engine === 'postgres') {
      const db = await createTestDatabase('postgres');
      env.DATABASE_URL = db.url;
      inspect = () => db.prisma.$queryRaw`SELECT status::text AS status, recipient FROM message ORDER BY id`;
      dropDatabase = () => db.drop();
    } else {
      env.HERALD_DATA_DIR = path.join(tmp, 'data');
      inspect = async () => {
        const db = await openDatabase({ dataDir: path.join(tmp, 'data') });
        try {
          return await db.prisma.$queryRaw`SELECT status::text AS status, recipient FROM message ORDER BY id`;
        } finally {
          await db.close();
        }
      };
    }

    // The server holds every message until told to answer: the first batch stays in flight.
    let release!: () => void;
    const answer = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const firstHeld = new Promise<void>((resolve) => (held = resolve));
    sink.hold = () => {
      held();
      return answer;
    };

    const herald = start(
      env,
      [
        `/campaign contacts import ${csv} --list Term`,
        '/campaign templates create T --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com',
        '/campaign new --name Term --channel email --template T --list Term',
        '/campaign run C-1001',
      ].join('\n'),
    );
    await Promise.race([firstHeld, herald.done.then(() => Promise.reject(new Error(`Herald exited before sending:\n${herald.output().slice(-3000)}`)))]);

    herald.child.kill('SIGTERM');
    // Herald says it is stopping (or exits without a word); only then does the server answer what it holds.
    await Promise.race([herald.waitFor(/stopping/i), herald.done]);
    release();
    const exit = await herald.done;
    expect(exit, herald.output().slice(-3000)).toEqual({ code: 0, signal: null });

    const rows = await inspect();
    expect(rows).toHaveLength(RECIPIENTS);
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    // The batch in flight finished: every message of it was answered and recorded as delivered.
    expect(byStatus.delivered).toBe(BATCH);
    expect(sink.mails).toHaveLength(BATCH);
    const received = sink.perRecipient();
    for (const r of rows) expect(r.status === 'delivered', r.recipient).toBe(received.get(r.recipient) === 1);
    // Nothing is left in doubt or in flight, and no new batch was started after the signal.
    expect(byStatus.unknown).toBeUndefined();
    expect(byStatus.sending).toBeUndefined();
    expect(byStatus.queued).toBe(RECIPIENTS - BATCH);
  });
});
