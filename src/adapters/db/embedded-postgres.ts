import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

/** A PostgreSQL-compatible database running in this process, reachable by any pg client on loopback. */
export interface EmbeddedPostgres {
  /** Connection string for `pg` / `@prisma/adapter-pg` (no auth: loopback only). */
  url: string;
  close(): Promise<void>;
}

export interface EmbeddedPostgresOptions {
  /** Folder holding the database files; undefined keeps everything in memory (tests). */
  dataDir?: string;
  /** 0 picks a free port. */
  port?: number;
  maxConnections?: number;
}

const LOCK_FILE = 'herald.pid';

/** Another live process holds the embedded database folder; said plainly at start-up, no stack. */
export class DataDirInUseError extends Error {
  override readonly name = 'DataDirInUseError';
}

/**
 * Starts PGlite (WASM PostgreSQL) and serves it on 127.0.0.1 so the ordinary Prisma pg adapter can
 * reach it. PGlite is single-process: a pid file in the data folder stops a second Herald from
 * opening the same files, which would corrupt them.
 */
export async function startEmbeddedPostgres(options: EmbeddedPostgresOptions = {}): Promise<EmbeddedPostgres> {
  const { dataDir } = options;
  let releaseLock = (): void => {};
  if (dataDir) {
    fs.mkdirSync(dataDir, { recursive: true });
    releaseLock = takeDataDirLock(dataDir);
  }
  try {
    const db = await PGlite.create(dataDir ? { dataDir } : {});
    const server = new PGLiteSocketServer({
      db,
      host: '127.0.0.1',
      port: options.port ?? 0,
      maxConnections: options.maxConnections ?? 32,
    });
    await server.start();
    const url = `postgresql://postgres@${server.getServerConn()}/postgres?sslmode=disable`;
    let closed = false;
    return {
      url,
      async close() {
        if (closed) return;
        closed = true;
        await server.stop();
        await db.close();
        releaseLock();
      },
    };
  } catch (error) {
    releaseLock();
    throw error;
  }
}

function takeDataDirLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  try {
    const fd = fs.openSync(lockPath, 'wx');
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) {
      throw new DataDirInUseError(
        `The embedded database in ${dataDir} is in use by process ${holder}. ` +
          'Stop that Herald first, or set HERALD_DATA_DIR to another folder, or DATABASE_URL to a PostgreSQL server.',
      );
    }
    // A stale lock left by a process that died: take it over.
    fs.writeFileSync(lockPath, String(process.pid));
  }
  return () => {
    try {
      if (fs.readFileSync(lockPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
}

/** Whether a process of this host is alive (EPERM: alive, owned by someone else). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
