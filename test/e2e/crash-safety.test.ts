import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { startSinkProcess, type SinkProcess } from '../fakes/smtp-sink-process.js';
import { startHerald, tempDir } from '../support/herald-process.js';
import { createTestDatabase, ENGINES, type Engine } from '../support/test-database.js';

const RECIPIENTS = 3000;
const KILLS = 10;
/** Mails the sink receives between two kills. */
const KILL_EVERY = 250;
/** The SMTP pool: the product promises at most this many `unknown` per crash. */
const POOL = 5;

interface Ledger {
  byStatus: Record<string, number>;
  rows: { status: string; recipient: string }[];
}

describe.each(ENGINES)('crash safety on %s: SIGKILLed 10 times mid-send and restarted each time', (engine: Engine) => {
  const tmp = tempDir('herald-crash-');
  let sink: SinkProcess | undefined;
  let dropDatabase = async () => {};
  afterAll(async () => {
    await sink?.close();
    await dropDatabase();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('finishes the send by itself; unknown after each kill is at most the SMTP pool; nobody gets two mails and nobody is skipped', { timeout: 300_000 }, async () => {
    // The sink runs in its own process: it counts what really arrived, whatever happens to Herald.
    sink = await startSinkProcess();
    const csv = path.join(tmp, 'contacts.csv');
    fs.writeFileSync(csv, `email,first_name\n${Array.from({ length: RECIPIENTS }, (_, i) => `r${i}@crash.example.com,R${i}`).join('\n')}\n`);
    const env: NodeJS.ProcessEnv = { SMTP_URL: sink.url, SMTP_POOL_SIZE: String(POOL), EMAIL_RATE_PER_SECOND: '2000', HERALD_ACTOR: 'crash-test' };
    let ledger: () => Promise<Ledger>;
    const read = async (prisma: { $queryRaw: (q: TemplateStringsArray) => Promise<unknown> }): Promise<Ledger> => {
      const rows = (await prisma.$queryRaw`SELECT status::text AS status, recipient FROM message ORDER BY id`) as Ledger['rows'];
      const byStatus: Record<string, number> = {};
      for (const r of rows) byStatus[r.status] = (byStatus[r.status] ?? 0) + 1;
      return { rows, byStatus };
    };
    if (engine === 'postgres') {
      const db = await createTestDatabase('postgres');
      env.DATABASE_URL = db.url;
      ledger = () => read(db.prisma);
      dropDatabase = () => db.drop();
    } else {
      env.HERALD_DATA_DIR = path.join(tmp, 'data');
      ledger = async () => {
        const db = await openDatabase({ dataDir: path.join(tmp, 'data') });
        try {
          return await read(db.prisma);
        } finally {
          await db.close();
        }
      };
    }

    // First start: set up and launch from a script; the send begins as the script ends.
    let herald = startHerald(
      [
        `/campaign contacts import ${csv} --list Crash`,
        '/campaign templates create T --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com',
        '/campaign new --name Crash --channel email --template T --list Crash',
        '/campaign run C-1001',
      ].join('\n'),
      env,
    );
    const unknownPerKill: number[] = [];
    let unknownSoFar = 0;
    for (let kill = 1; kill <= KILLS; kill++) {
      await sink.reached(kill * KILL_EVERY);
      herald.child.kill('SIGKILL');
      const killed = await herald.exited;
      expect(killed.signal, killed.stderr.slice(-2000)).toBe('SIGKILL');
      if (kill > 1) {
        // This run recovered the previous kill at start: its unknown messages are now counted.
        const now = (await ledger()).byStatus.unknown ?? 0;
        unknownPerKill.push(now - unknownSoFar);
        unknownSoFar = now;
      }
      herald = startHerald('', env);
    }
    // The last start has nothing to do but what is left: it must finish the campaign by itself.
    const last = await herald.exited;
    expect(last.code, last.stderr.slice(-3000)).toBe(0);
    expect(last.stderr).toMatch(/"event":"delivery.recovered".*died mid-send/);

    const { rows, byStatus } = await ledger();
    unknownPerKill.push((byStatus.unknown ?? 0) - unknownSoFar);
    const received = await sink.tally();
    const unknownNotReceived = rows.filter((r) => r.status === 'unknown' && !received.has(r.recipient)).length;
    console.log(JSON.stringify({ engine, unknownPerKill, byStatus, mails: [...received.values()].reduce((a, b) => a + b, 0), unknownNotReceived }));

    expect(rows).toHaveLength(RECIPIENTS);
    // Every recipient ends delivered, or unknown where a crash hid the answer: none queued, failed or skipped.
    expect(Object.keys(byStatus).every((s) => s === 'delivered' || s === 'unknown'), JSON.stringify(byStatus)).toBe(true);
    // Nobody got two messages, and the ledger never says delivered for a mail that did not arrive.
    expect([...received.values()].filter((n) => n > 1)).toEqual([]);
    for (const r of rows) {
      if (r.status === 'delivered') expect(received.get(r.recipient), r.recipient).toBe(1);
      if (!received.has(r.recipient)) expect(r.status, r.recipient).toBe('unknown');
    }
    // The doubt each crash leaves is bounded by what can really be with the SMTP server: the pool.
    expect(unknownPerKill).toHaveLength(KILLS);
    for (const n of unknownPerKill) expect(n).toBeLessThanOrEqual(POOL);

    // Wherever its status shows, the campaign says it finished with messages in doubt.
    const shown = startHerald('/campaign show C-1001\n/campaign list\n', env);
    const { stdout } = await shown.exited;
    const unknown = byStatus.unknown ?? 0;
    if (unknown > 0) {
      expect(stdout).toContain(`completed, ${unknown} unknown: check before retrying`);
      expect(stdout).not.toContain('every message attempted');
    } else {
      expect(stdout).toMatch(/Status:\s+completed — every message attempted/);
    }
  });
});
