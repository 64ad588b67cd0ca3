import { spawn } from 'node:child_process';
import http from 'node:http';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { HmacTokenSigner } from '../../src/adapters/crypto/hmac-token-signer.js';
import { signOpen } from '../../src/domain/tracking/tracking-tokens.js';
import { createTestDatabase, ENGINES, type TestDatabase } from '../support/test-database.js';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SECRET = 'sigterm-tracking-secret-0123456789';
const HITS = 600;

/** GET with a keep-alive agent; resolves with the status once the body is read. */
function fetchStatus(agent: http.Agent, url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    http
      .get(url, { agent, headers: { 'user-agent': 'Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0' } }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      })
      .on('error', reject);
  });
}

// The server is the real entry point in serve mode; its database must be reachable from here
// before it starts (the messages the hits are for), so this runs on PostgreSQL.
describe.runIf(ENGINES.includes('postgres'))('tracking hits and SIGTERM (serve mode, PostgreSQL)', () => {
  let db: TestDatabase;
  afterAll(async () => {
    await db?.drop();
  });

  it('answers a burst at once, holds the hits in the buffer, and writes every one of them on SIGTERM', async () => {
    db = await createTestDatabase('postgres');
    const [campaign] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO campaign (name, channel, status, created_by, updated_at) VALUES ('Burst', 'email', 'completed', 't', now()) RETURNING id`);
    const [run] = await db.prisma.$queryRawUnsafe<{ id: number }[]>(`INSERT INTO run (campaign_id, number, status, scheduled_for) VALUES ($1, 1, 'completed', now()) RETURNING id`, campaign!.id);
    await db.prisma.$executeRawUnsafe(`INSERT INTO contact (email) SELECT 'b' || g || '@burst.example.com' FROM generate_series(1, 50) g`);
    const messages = await db.prisma.$queryRawUnsafe<{ id: bigint }[]>(
      `INSERT INTO message (run_id, campaign_id, contact_id, channel, recipient, status, sent_at, delivered_at)
       SELECT $1, $2, id, 'email', email, 'delivered', now() - interval '1 hour', now() - interval '1 hour' FROM contact RETURNING id`,
      run!.id, campaign!.id,
    );

    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts', 'serve'], {
      cwd: ROOT,
      env: {
        PATH: process.env.PATH, HOME: process.env.HOME, DATABASE_URL: db.url, HERALD_SECRET: SECRET, HTTP_PORT: '0',
        // Nothing is written by the timer during the test: only the shutdown can save these hits.
        TRACKING_FLUSH_MS: '60000', LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    const serving = new Promise<number>((resolve, reject) => {
      const look = (d: Buffer) => {
        out += d.toString();
        const m = /serving on http:\/\/127\.0\.0\.1:(\d+)/.exec(out);
        if (m) resolve(Number(m[1]));
      };
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
      child.on('close', () => reject(new Error(`Herald exited before serving:\n${out.slice(-3000)}`)));
    });
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    const port = await serving;

    const signer = new HmacTokenSigner(SECRET);
    const agent = new http.Agent({ keepAlive: true, maxSockets: 20 });
    const urls = Array.from({ length: HITS }, (_, i) => `http://127.0.0.1:${port}/o/${signOpen(signer, String(messages[i % messages.length]!.id))}`);
    const statuses = await Promise.all(urls.map((u) => fetchStatus(agent, u)));
    agent.destroy();
    expect(statuses.every((s) => s === 200)).toBe(true);
    // Every response went out before any hit was written: they are all still in the buffer.
    const [before] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM tracking_event`;
    expect(before!.n).toBe(0);

    child.kill('SIGTERM');
    expect(await exited, out.slice(-3000)).toBe(0);
    const [after] = await db.prisma.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM tracking_event WHERE type = 'open'`;
    expect(after!.n).toBe(HITS);
    // And the counts were added as they were written: 600 human opens, 50 unique.
    const counts = await db.prisma.$queryRaw<{ metric: string; n: number }[]>`SELECT metric, count::int AS n FROM run_event_count WHERE run_id = ${run!.id} ORDER BY metric`;
    expect(counts).toEqual([{ metric: 'open:human', n: HITS }, { metric: 'open:human:unique', n: 50 }]);
  });
});
