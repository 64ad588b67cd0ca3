import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { PostgresBinaries } from './postgres-binaries.js';

/** The unprivileged account the server runs as when Herald runs as root (PostgreSQL refuses root). */
export interface ServerAccount {
  name: string;
  uid: number;
  gid: number;
}

const ACCOUNT = 'postgres';
/** Where the server's files go when the account cannot reach Herald's own folders. */
const SHARED_BASE = '/var/lib/herald';

function run(command: string, args: string[], account?: ServerAccount): { ok: boolean; out: string } {
  const result = spawnSync(command, args, { encoding: 'utf8', ...(account ? { uid: account.uid, gid: account.gid } : {}) });
  return { ok: result.status === 0, out: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim() };
}

function lookUp(name: string): ServerAccount | null {
  const uid = run('id', ['-u', name]);
  const gid = run('id', ['-g', name]);
  return uid.ok && gid.ok ? { name, uid: Number(uid.out), gid: Number(gid.out) } : null;
}

/**
 * Null when Herald does not run as root (the server runs as Herald's own user). As root: the existing
 * `postgres` account (Debian's PostgreSQL package makes one), or one created now, system and
 * without a login.
 */
export function serverAccount(): ServerAccount | null {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return null;
  const existing = lookUp(ACCOUNT);
  if (existing) return existing;
  const created =
    run('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', ACCOUNT]).ok ||
    run('adduser', ['-S', '-D', '-H', ACCOUNT]).ok; // BusyBox (Alpine)
  const account = created ? lookUp(ACCOUNT) : null;
  if (!account) {
    throw new Error(`PostgreSQL cannot run as root, and Herald could not create the "${ACCOUNT}" account to run it as. Create it, run Herald as another user, or set DATABASE_URL.`);
  }
  return account;
}

/** Whether the account can enter `dir` (every folder above it included) and, with `write`, create files in it. */
export function accountCanUse(account: ServerAccount, dir: string, write = false): boolean {
  return run('/bin/sh', ['-c', write ? 'test -x "$1" && test -w "$1"' : 'test -x "$1"', 'sh', dir], account).ok;
}

/** The binaries as the account can run them: where npm put them, or a copy in a shared folder it can reach. */
export function binariesFor(account: ServerAccount | null, binaries: PostgresBinaries): PostgresBinaries {
  if (!account || accountCanUse(account, binaries.postgres)) return binaries;
  const version = readVersion(binaries.root);
  const root = path.join(SHARED_BASE, `postgres-${version}`);
  if (!fs.existsSync(path.join(root, 'bin', 'postgres'))) {
    const partial = `${root}.copying-${process.pid}`;
    fs.rmSync(partial, { recursive: true, force: true });
    fs.mkdirSync(SHARED_BASE, { recursive: true, mode: 0o755 });
    fs.chmodSync(SHARED_BASE, 0o755);
    fs.cpSync(binaries.root, partial, { recursive: true, verbatimSymlinks: true });
    fs.rmSync(root, { recursive: true, force: true });
    fs.renameSync(partial, root);
  }
  return { root, initdb: path.join(root, 'bin', 'initdb'), postgres: path.join(root, 'bin', 'postgres') };
}

function readVersion(root: string): string {
  try {
    return (JSON.parse(fs.readFileSync(path.join(root, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return crypto.createHash('sha256').update(root).digest('hex').slice(0, 12);
  }
}

/**
 * The folder that holds the cluster: `<dataDir>/postgres`. As root, when the account cannot enter the
 * data folder (a clone under root's home), the cluster lives under /var/lib/herald and
 * `<dataDir>/postgres` is a link to it, so the data folder still says where its data is.
 */
export function clusterDir(dataDir: string, account: ServerAccount | null): string {
  const own = path.join(dataDir, 'postgres');
  const link = fs.lstatSync(own, { throwIfNoEntry: false });
  if (link?.isSymbolicLink()) return path.resolve(dataDir, fs.readlinkSync(own));
  if (link) return own;
  if (!account || accountCanUse(account, dataDir)) return own;
  const shared = path.join(SHARED_BASE, `cluster-${crypto.createHash('sha256').update(fs.realpathSync(dataDir)).digest('hex').slice(0, 16)}`);
  fs.mkdirSync(SHARED_BASE, { recursive: true, mode: 0o755 });
  fs.chmodSync(SHARED_BASE, 0o755);
  fs.symlinkSync(shared, own);
  return shared;
}

/** Creates `dir` (mode 700) for the account to own: initdb fills it, the server alone reads it. */
export function makeOwnedDir(dir: string, account: ServerAccount | null): void {
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (account) fs.chownSync(dir, account.uid, account.gid);
}
