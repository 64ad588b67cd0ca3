import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { EmbeddedDatabaseError } from '../../src/adapters/db/embedded/data-dir-lock.js';
import { startEmbeddedPostgres } from '../../src/adapters/db/embedded/embedded-postgres.js';
import { accountCanUse, binariesFor, serverAccount } from '../../src/adapters/db/embedded/server-account.js';
import { ROOT, tempDir } from '../support/herald-process.js';

const base = tempDir('herald-embedded-');
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

async function sql(url: string, text: string): Promise<unknown[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(text)).rows;
  } finally {
    await client.end();
  }
}

/** Whether a server answers at `url` now (refused: false). */
async function answers(url: string): Promise<boolean> {
  try {
    await sql(url, 'SELECT 1');
    return true;
  } catch {
    return false;
  }
}

describe('the embedded PostgreSQL server', () => {
  it('creates its cluster once, keeps data across restarts, and needs its password on loopback only', async () => {
    const dir = path.join(base, 'keeps');
    const first = await startEmbeddedPostgres({ dataDir: dir });
    const url = new URL(first.url);
    expect(url.hostname).toBe('127.0.0.1');
    expect(url.password.length).toBeGreaterThanOrEqual(24);
    await sql(first.url, 'CREATE TABLE kept (v text)');
    await sql(first.url, "INSERT INTO kept VALUES ('still here')");
    expect(await sql(first.url, 'SHOW server_version_num')).toEqual([{ server_version_num: expect.stringMatching(/^18/) }]);
    expect(await sql(first.url, "SELECT lower('ÉCOLE') AS l")).toEqual([{ l: 'école' }]);
    const wrong = new URL(first.url);
    wrong.password = 'not-the-password';
    await expect(sql(wrong.toString(), 'SELECT 1')).rejects.toThrow(/password authentication failed/);
    await first.close();
    expect(await answers(first.url)).toBe(false);
    expect(fs.statSync(path.join(dir, 'postgres.json')).mode & 0o077).toBe(0);

    const again = await startEmbeddedPostgres({ dataDir: dir });
    expect(await sql(again.url, 'SELECT v FROM kept')).toEqual([{ v: 'still here' }]);
    await again.close();
  });

  it('refuses a second Herald on the same folder, naming the process that holds it', async () => {
    const dir = path.join(base, 'busy');
    const holder = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/scripts/hold-embedded-server.ts', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve, reject) => {
      holder.stdout.once('data', (d: Buffer) => resolve(d.toString().trim()));
      holder.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
    });
    try {
      const refused = startEmbeddedPostgres({ dataDir: dir });
      await expect(refused).rejects.toBeInstanceOf(EmbeddedDatabaseError);
      await expect(refused).rejects.toThrow(`in use by another Herald (process ${holder.pid})`);
      expect(await answers(url)).toBe(true); // the holder's server is untouched
    } finally {
      holder.kill('SIGKILL');
    }
  });

  it('leaves no server running when the Herald that started it is SIGKILLed, and the next start opens the same data', async () => {
    const dir = path.join(base, 'killed');
    const holder = spawn(process.execPath, ['--import', 'tsx', 'test/fixtures/scripts/hold-embedded-server.ts', dir], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const url = await new Promise<string>((resolve) => holder.stdout.once('data', (d: Buffer) => resolve(d.toString().trim())));
    await sql(url, 'CREATE TABLE survived (n int)');
    const pid = Number(fs.readFileSync(path.join(dir, 'postgres', 'postmaster.pid'), 'utf8').split('\n')[0]);
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    // The next start outlives the old server's shutdown; by then the old postmaster is gone.
    const next = await startEmbeddedPostgres({ dataDir: dir });
    try {
      expect(() => process.kill(pid, 0)).toThrow();
      expect(await sql(next.url, 'SELECT count(*)::int AS n FROM survived')).toEqual([{ n: 0 }]);
    } finally {
      await next.close();
    }
  });

  it("refuses a folder of Herald's earlier embedded engine (PGlite) with what to do, touching nothing", async () => {
    const dir = path.join(base, 'old');
    fs.mkdirSync(path.join(dir, 'db'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'db', 'PG_VERSION'), '17\n');
    const refused = startEmbeddedPostgres({ dataDir: dir });
    await expect(refused).rejects.toBeInstanceOf(EmbeddedDatabaseError);
    await expect(refused).rejects.toThrow(/earlier embedded engine \(PGlite\).*Move that folder away/);
    expect(fs.readdirSync(dir).sort()).toEqual(['db']);
  });

  it('says plainly when the data folder is not a folder it can write', async () => {
    const file = path.join(base, 'a-file');
    fs.writeFileSync(file, 'x');
    await expect(startEmbeddedPostgres({ dataDir: file })).rejects.toThrow(/HERALD_DATA_DIR \(.*a-file\) is a file.*give a folder/);
  });

  it.runIf(process.getuid?.() === 0)('as root, runs the server as the postgres account even when that account cannot enter the data folder', async () => {
    const locked = path.join(base, 'root-only');
    fs.mkdirSync(locked, { mode: 0o700 });
    fs.chmodSync(locked, 0o700);
    const dir = path.join(locked, 'data');
    const server = await startEmbeddedPostgres({ dataDir: dir });
    const link = path.join(dir, 'postgres');
    const cluster = fs.readlinkSync(link);
    try {
      expect(cluster).toMatch(/^\/var\/lib\/herald\/cluster-[0-9a-f]{16}$/);
      const owner = (await sql(server.url, "SELECT pg_catalog.current_setting('data_directory') AS d")) as { d: string }[];
      expect(owner[0]!.d).toBe(cluster);
      expect(fs.statSync(cluster).uid).not.toBe(0);
      await sql(server.url, 'CREATE TABLE t (n int)');
    } finally {
      await server.close();
      fs.rmSync(cluster, { recursive: true, force: true });
    }
  });

  it.runIf(process.getuid?.() === 0)('as root, copies the binaries once to where the postgres account can run them when node_modules is out of its reach', () => {
    const account = serverAccount()!;
    const hidden = path.join(base, 'hidden-install');
    const root = path.join(hidden, 'native');
    fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
    fs.mkdirSync(path.join(root, 'lib'), { recursive: true });
    fs.chmodSync(hidden, 0o700);
    fs.writeFileSync(path.join(root, 'bin', 'postgres'), '#!/bin/sh\n', { mode: 0o755 });
    fs.writeFileSync(path.join(root, 'lib', 'libpq.so.5.18'), '');
    fs.symlinkSync('libpq.so.5.18', path.join(root, 'lib', 'libpq.so.5'));
    const installed = { root, initdb: path.join(root, 'bin', 'initdb'), postgres: path.join(root, 'bin', 'postgres') };
    expect(accountCanUse(account, installed.postgres)).toBe(false);
    const usable = binariesFor(account, installed);
    try {
      expect(usable.root).toMatch(/^\/var\/lib\/herald\/postgres-/);
      expect(accountCanUse(account, usable.postgres)).toBe(true);
      expect(fs.readlinkSync(path.join(usable.root, 'lib', 'libpq.so.5'))).toBe('libpq.so.5.18');
      expect(binariesFor(account, installed).root).toBe(usable.root); // once
    } finally {
      fs.rmSync(usable.root, { recursive: true, force: true });
    }
  });
});
