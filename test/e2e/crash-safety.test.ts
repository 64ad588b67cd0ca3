import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp-sink.js';
import { createTestDatabase, ENGINES, type Engine } from '../support/test-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const RECIPIENTS = 300;
const KILL_AFTER = 60;
const BATCH = 20;

/** The real entry point (`npm start`) with a script on stdin; resolves with its exit code or signal. */
function start(env: NodeJS.ProcessEnv, script: string): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HTTP_PORT: '0', ACCOUNT_TIME_ZONE: 'UTC', HERALD_ACTOR: 'crash-test', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; out: string }>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, out }));
  });
  child.stdin!.end(script);
  return { child, done };
}

describe.each(ENGINES)('crash safety on %s: SIGKILL in the middle of a send, then a restart', (engine: Engine) => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-crash-'));
  let sink: SmtpSink;
  let dropDatabase = async () => {};
  afterAll(async () => {
    await sink?.close();
    await dropDatabase();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('leaves every recipient delivered or unknown, sends nobody two messages, and finishes on its own', async () => {
    sink = await startSmtpSink();
    const csv = path.join(tmp, 'contacts.csv');
    fs.writeFileSync(csv, `email,first_name\n${Array.from({ length: RECIPIENTS }, (_, i) => `r${i}@crash.example.com,R${i}`).join('\n')}\n`);
    const env: NodeJS.ProcessEnv = { SMTP_URL: sink.url, SMTP_POOL_SIZE: '5', SEND_BATCH_SIZE: String(BATCH), EMAIL_RATE_PER_SECOND: '200' };
    let inspect: () => Promise<{ status: string; recipient: string }[]>;
    if (engine === 'postgres') {
      const db = await createTestDatabase('postgres');
      env.DATABASE_URL = db.url;
      inspect = () => db.prisma.$queryRaw`SELECT status::text AS status, recipient FROM message ORDER BY id`;
      dropDatabase = () => db.drop();
    } else {
      env.HERALD_DATA_DIR = path.join(tmp, 'data');
      inspect = async () => {
        const db = await openDatabase({ dataDir: path.join(tmp, 'data', 'db') });
        try {
          return await db.prisma.$queryRaw`SELECT status::text AS status, recipient FROM message ORDER BY id`;
        } finally {
          await db.close();
        }
      };
    }

    // First start: set up and launch from a script; the send begins as the script ends. Kill it mid-send.
    const first = start(
      env,
      [
        `/campaign contacts import ${csv} --list Crash`,
        '/campaign templates create T --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com',
        '/campaign new --name Crash --channel email --template T --list Crash',
        '/campaign run C-1001',
      ].join('\n'),
    );
    sink.onMail = () => {
      if (sink.mails.length === KILL_AFTER) first.child.kill('SIGKILL');
    };
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const sentBeforeCrash = sink.mails.length;
    expect(sentBeforeCrash).toBeGreaterThanOrEqual(KILL_AFTER);
    expect(sentBeforeCrash).toBeLessThan(RECIPIENTS);
    sink.onMail = undefined;

    // Restart with nothing to do but what is left: it must finish the campaign by itself.
    const second = start(env, '');
    const restarted = await second.done;
    if (restarted.code !== 0) console.error(restarted.out);
    expect(restarted.code, restarted.out.slice(-3000)).toBe(0);

    const rows = await inspect();
    expect(rows).toHaveLength(RECIPIENTS);
    const byStatus: Record<string, number> = {};
    for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
    // Every recipient ends delivered, or unknown where the crash hid the answer; none is left queued or skipped.
    expect(Object.keys(byStatus).sort()).toEqual(expect.arrayContaining(['delivered']));
    expect(Object.keys(byStatus).every((s) => s === 'delivered' || s === 'unknown')).toBe(true);
    // Nobody got two messages.
    const received = sink.perRecipient();
    expect([...received.values()].every((n) => n === 1)).toBe(true);
    // Every delivered message arrived; whoever got mail the ledger does not call delivered is unknown.
    for (const r of rows) {
      if (r.status === 'delivered') expect(received.get(r.recipient)).toBe(1);
      if (!received.has(r.recipient)) expect(r.status).toBe('unknown');
    }
    // The doubt is bounded by what was in flight: at most one batch per lane of the killed process.
    expect(byStatus.unknown ?? 0).toBeLessThanOrEqual(BATCH * 2);
    expect(byStatus.delivered).toBeGreaterThanOrEqual(RECIPIENTS - BATCH * 2);
    expect(restarted.out).toMatch(/died mid-send|stopped mid-send/);
  });
});
