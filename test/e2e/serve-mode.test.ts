import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { startSmtpSink, type SmtpSink } from '../fakes/smtp-sink.js';
import { serveHerald, startHerald, tempDir } from '../support/herald-process.js';
import { createTestDatabase, ENGINES, type Engine } from '../support/test-database.js';

const RECIPIENTS = 30;
const BATCH = 10;
/** The SMTP pool: at most this many messages can be with the server when Herald gives up on them. */
const POOL = 5;
/** How far ahead a console script schedules a campaign: the script must be gone before it is due. */
const SEND_IN_MS = 4000;

interface Row {
  id: number;
  status: string;
  recipient: string;
  campaign: number;
}

describe.each(ENGINES)('server mode on %s: no terminal, no Slack', (engine: Engine) => {
  const tmp = tempDir('herald-serve-');
  const csv = path.join(tmp, 'contacts.csv');
  fs.writeFileSync(csv, `email,first_name\n${Array.from({ length: RECIPIENTS }, (_, i) => `s${i}@serve.example.com,S${i}`).join('\n')}\n`);
  let sink: SmtpSink;
  let env: NodeJS.ProcessEnv;
  let rows: () => Promise<Row[]>;
  let campaignStatus: (ref: number) => Promise<string>;
  let cleanUp = async () => {};
  afterAll(async () => {
    await sink?.close();
    await cleanUp();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  const setUp = async () => {
    sink = await startSmtpSink();
    env = {
      SMTP_URL: sink.url,
      SMTP_POOL_SIZE: String(POOL),
      SEND_BATCH_SIZE: String(BATCH),
      EMAIL_RATE_PER_SECOND: '1000',
      SCHEDULER_TICK_SECONDS: '1',
      HERALD_ACTOR: 'serve-test',
    };
    const query = async <T,>(run: (db: { $queryRawUnsafe: (sql: string) => Promise<unknown> }) => Promise<T>): Promise<T> => {
      if (engine === 'postgres') return run(postgres!.prisma);
      const db = await openDatabase({ dataDir: path.join(tmp, 'data') });
      try {
        return await run(db.prisma);
      } finally {
        await db.close();
      }
    };
    let postgres: Awaited<ReturnType<typeof createTestDatabase>> | undefined;
    if (engine === 'postgres') {
      postgres = await createTestDatabase('postgres');
      env.DATABASE_URL = postgres.url;
      cleanUp = () => postgres!.drop();
    } else {
      env.HERALD_DATA_DIR = path.join(tmp, 'data');
    }
    rows = () => query((db) => db.$queryRawUnsafe('SELECT id, status::text AS status, recipient, campaign_id AS campaign FROM message ORDER BY id') as Promise<Row[]>);
    campaignStatus = (id) => query(async (db) => ((await db.$queryRawUnsafe(`SELECT status::text AS status FROM campaign WHERE id = ${id}`)) as { status: string }[])[0]!.status);
  };

  /**
   * A console script sets a campaign up and schedules it a few seconds ahead, then exits: nothing is
   * due while it runs, so whatever is sent afterwards is the server's doing.
   */
  const scheduleFromConsole = async (setup: string[], campaign: string) => {
    const script = startHerald(`${[...setup, `/campaign show ${campaign}`].join('\n')}\n`, env, { more: true });
    let stdout = '';
    const shown = new Promise<void>((resolve) =>
      script.child.stdout!.on('data', (d: Buffer) => {
        stdout += d.toString();
        // The show's echo comes after every earlier command's reply.
        if (stdout.includes(`> /campaign show ${campaign}`)) resolve();
      }),
    );
    await Promise.race([shown, script.exited.then((e) => Promise.reject(new Error(`script exited early:\n${e.stdout}\n${e.stderr}`)))]);
    const at = new Date(Date.now() + SEND_IN_MS).toISOString();
    script.child.stdin!.end(`/campaign schedule ${campaign} --at ${at}\n`);
    const exit = await script.exited;
    expect(exit.code, `${exit.stdout}\n${exit.stderr}`).toBe(0);
    expect(exit.stdout).toMatch(new RegExp(`> /campaign schedule ${campaign}[^\\n]*\\n[^>]*(scheduled|queued)`, 'i'));
    // The script sent nothing: the send time had not come when it exited.
    expect(exit.stdout).not.toContain('Sent what was due');
  };

  it('stays up with no input, answers /healthz, sends a campaign a console script scheduled, and on SIGTERM lets the batches in flight finish and exits 0', async () => {
    await setUp();
    await scheduleFromConsole(
      [
        `/campaign contacts import ${csv} --list Serve`,
        '/campaign templates create T --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com',
        '/campaign new --name Serve --channel email --template T --list Serve',
      ],
      'C-1001',
    );
    expect(sink.mails).toHaveLength(0);

    // The SMTP server answers the first batch's worth at once, then holds every mail until told.
    let release!: () => void;
    const answer = new Promise<void>((resolve) => (release = resolve));
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    let seen = 0;
    sink.hold = () => {
      if (++seen <= BATCH) return Promise.resolve();
      held();
      return answer;
    };

    const herald = serveHerald(env);
    const port = await herald.ready;
    const health = await fetch(`http://127.0.0.1:${port}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ ok: true });

    // The scheduled time comes with nobody typing: the server starts the run and sends.
    await Promise.race([holding, herald.exited.then(() => Promise.reject(new Error(`Herald exited:\n${herald.output().slice(-3000)}`)))]);
    expect(sink.mails.length).toBe(BATCH);

    const signalledAt = performance.now();
    herald.child.kill('SIGTERM');
    await herald.waitFor(/stopping/i);
    expect(herald.output()).toMatch(/Herald is stopping \(SIGTERM\): claiming nothing more; waiting for \d email batch(es)? of C-1001/);
    const releasedAt = performance.now();
    release();
    const exit = await herald.exited;
    const exitedAt = performance.now();
    expect(exit, herald.output().slice(-3000)).toMatchObject({ code: 0, signal: null });
    console.log(JSON.stringify({ engine, sigtermToExitMs: Math.round(exitedAt - signalledAt), releaseToExitMs: Math.round(exitedAt - releasedAt) }));

    const ledger = await rows();
    expect(ledger).toHaveLength(RECIPIENTS);
    const byStatus = tally(ledger);
    // The batches in flight finished: every mail the server answered is recorded delivered, once.
    expect(byStatus.delivered).toBeGreaterThan(BATCH);
    expect(byStatus.delivered).toBe(sink.mails.length);
    const received = sink.perRecipient();
    for (const r of ledger) expect(r.status === 'delivered', r.recipient).toBe(received.get(r.recipient) === 1);
    // Nothing in doubt or in flight; what no batch had claimed waits for the next start.
    expect(byStatus.unknown).toBeUndefined();
    expect(byStatus.sending).toBeUndefined();
    expect((byStatus.delivered ?? 0) + (byStatus.queued ?? 0)).toBe(RECIPIENTS);
  });

  it('started again, finishes the campaign by itself and stops cleanly', async () => {
    sink.hold = undefined;
    const herald = serveHerald(env);
    await herald.ready;
    // The tick that sees the last message recorded completes the campaign.
    await herald.waitFor(/delivery\.completed/);
    herald.child.kill('SIGTERM');
    const exit = await herald.exited;
    expect(exit, herald.output().slice(-3000)).toMatchObject({ code: 0, signal: null });
    expect(tally(await rows())).toEqual({ delivered: RECIPIENTS });
    expect([...sink.perRecipient().values()].every((n) => n === 1)).toBe(true);
    expect(sink.mails).toHaveLength(RECIPIENTS);
    expect(await campaignStatus(1001)).toBe('completed');
  });

  it('exits non-zero at SHUTDOWN_TIMEOUT_SECONDS when an SMTP server never answers, saying what was left; the next start settles it', async () => {
    await scheduleFromConsole(['/campaign new --name Deadline --channel email --template T --list Serve'], 'C-1002');
    let held!: () => void;
    const holding = new Promise<void>((resolve) => (held = resolve));
    // Never answers: the batch can only be abandoned.
    sink.hold = () => {
      held();
      return new Promise<void>(() => {});
    };
    const before = sink.mails.length;
    const herald = serveHerald({ ...env, SHUTDOWN_TIMEOUT_SECONDS: '2' });
    await herald.ready;
    await Promise.race([holding, herald.exited.then(() => Promise.reject(new Error(`Herald exited:\n${herald.output().slice(-3000)}`)))]);

    const signalledAt = performance.now();
    herald.child.kill('SIGTERM');
    const exit = await herald.exited;
    const elapsed = performance.now() - signalledAt;
    console.log(JSON.stringify({ engine, deadlineMs: 2000, sigtermToExitMs: Math.round(elapsed) }));
    expect(exit.code, herald.output().slice(-3000)).toBe(1);
    expect(exit.signal).toBeNull();
    expect(elapsed).toBeGreaterThanOrEqual(2000);
    expect(elapsed).toBeLessThan(2000 + 8000);
    // Herald's log is JSON lines on stderr: the message that says what was left.
    const line = exit.stderr
      .split('\n')
      .flatMap((l) => {
        try {
          return [(JSON.parse(l) as { msg?: string }).msg ?? ''];
        } catch {
          return [];
        }
      })
      .find((msg) => msg.startsWith('Herald did not stop'));
    expect(line).toMatch(/^Herald did not stop within 2 s \(SHUTDOWN_TIMEOUT_SECONDS\) .*still in flight: \d email batch(es)? of C-1002 \(run \d+\).*Exiting with status 1\..*unknown.*queued again/);
    expect(sink.mails.length).toBe(before);

    const left = (await rows()).filter((r) => r.campaign === 1002);
    const abandoned = left.filter((r) => r.status === 'sending').length;
    expect(abandoned).toBeGreaterThan(0);

    // The next start on this host ends the dead process's leases at once: what was with the SMTP
    // server becomes unknown (never resent), the rest is sent.
    sink.hold = undefined;
    const next = await startHerald('', env).exited;
    expect(next.code, next.stderr.slice(-3000)).toBe(0);
    const settled = (await rows()).filter((r) => r.campaign === 1002);
    const byStatus = tally(settled);
    expect(byStatus.sending).toBeUndefined();
    expect(byStatus.unknown ?? 0).toBeGreaterThan(0);
    expect(byStatus.unknown ?? 0).toBeLessThanOrEqual(POOL);
    expect((byStatus.unknown ?? 0) + (byStatus.delivered ?? 0)).toBe(RECIPIENTS);
  });
});

function tally(rows: Row[]): Record<string, number> {
  const byStatus: Record<string, number> = {};
  for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
  return byStatus;
}

describe.each(ENGINES)('server mode on %s: a shutdown waits for the scheduler tick in progress', (engine: Engine) => {
  const tmp = tempDir('herald-serve-tick-');
  let cleanUp = async () => {};
  afterAll(async () => {
    await cleanUp();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  // The test holds a row lock on Herald's database, so it needs a server it can reach as well: a
  // database of its own on the run's embedded server (Herald's engine) or on the external one.
  it('SIGTERM while the tick is held by a row lock: Herald says it waits for the tick, which then runs to its end (the campaign completes), and exits 0', async () => {
    const database = await createTestDatabase(engine);
    cleanUp = () => database.drop();
    const csv = path.join(tmp, 'contacts.csv');
    fs.writeFileSync(csv, 'email\nt1@tick.example.com\nt2@tick.example.com\n');
    // Mail goes to the local capture server in the data folder.
    const env = { DATABASE_URL: database.url, HERALD_DATA_DIR: path.join(tmp, 'data'), HERALD_ACTOR: 'tick-test' };
    const script = await startHerald(
      [
        `/campaign contacts import ${csv} --list Tick`,
        '/campaign templates create T --channel email --subject Hi --text Hello --from-email news@example.com',
        '/campaign new --name Tick --channel email --template T --list Tick',
        '/campaign run C-1001',
      ].join('\n'),
      env,
    ).exited;
    expect(script.code, script.stdout + script.stderr).toBe(0);

    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    try {
      // The campaign as a replica that died mid-send leaves it: still sending, one message handed to
      // the provider under a lease that has run out. The tick's first step sweeps that message (it
      // becomes unknown); a later step sees the run finished and completes the campaign.
      const [row] = (await db.query(`SELECT id FROM message ORDER BY id LIMIT 1`)).rows as { id: number }[];
      await db.query(`UPDATE message SET status = 'sending', lease_owner = 'another-host:1:abcdef', lease_until = '2000-01-01', handed_over_at = '2000-01-01' WHERE id = $1`, [row!.id]);
      await db.query(`UPDATE run SET status = 'sending', finished_at = NULL WHERE campaign_id = 1001`);
      await db.query(`UPDATE campaign SET status = 'sending', status_reason = NULL WHERE id = 1001`);
      // The script's process claimed the scheduler slots it saw (job_lock): the serve process may start
      // within the same 5-second slot, and would rightly leave that slot's tick to its claimer. The
      // test is about a shutdown during a tick, so that claim must not be there.
      await db.query('DELETE FROM job_lock');
      await db.query('BEGIN');
      await db.query('SELECT id FROM message WHERE id = $1 FOR UPDATE', [row!.id]);

      // The first tick runs at start and waits on the lock until the test lets go.
      const herald = serveHerald(env);
      await herald.ready;
      herald.child.kill('SIGTERM');
      await herald.waitFor(/stopping/i);
      expect(herald.output()).toMatch(/Herald is stopping \(SIGTERM\): claiming nothing more; waiting for (.* batch.* of C-1001 \(run 1\), )?the scheduler tick(, the [a-z-]+ job)* \(/);
      await db.query('ROLLBACK');
      const exit = await herald.exited;
      expect(exit, herald.output().slice(-3000)).toMatchObject({ code: 0, signal: null });
      // The tick ran to its end on an open database: the lease was swept and the campaign completed.
      expect(herald.output()).not.toMatch(/scheduler\.error/);
      expect((await db.query('SELECT status::text AS status FROM message WHERE id = $1', [row!.id])).rows[0]).toEqual({ status: 'unknown' });
      expect((await db.query('SELECT status::text AS status, status_reason FROM campaign WHERE id = 1001')).rows[0]).toEqual({
        status: 'completed',
        status_reason: '1 unknown: check before retrying',
      });
    } finally {
      await db.end();
    }
  });
});
