import fs from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'herald.pid';

/**
 * The embedded database's folder cannot be used where it is: held by another Herald, left by the
 * old embedded engine, not a usable folder. Said plainly at start-up, without a stack.
 */
export class EmbeddedDatabaseError extends Error {
  override readonly name = 'EmbeddedDatabaseError';
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

/**
 * Takes the data folder for this process (a pid file): two Heralds on one folder would run two
 * servers on one cluster. A lock left by a process that died is taken over. Returns the release.
 */
export function takeDataDirLock(dataDir: string): () => void {
  const lockPath = path.join(dataDir, LOCK_FILE);
  try {
    const fd = fs.openSync(lockPath, 'wx');
    fs.writeSync(fd, String(process.pid));
    fs.closeSync(fd);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
    if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) {
      throw new EmbeddedDatabaseError(
        `The embedded database in ${dataDir} is in use by another Herald (process ${holder}). ` +
          'Stop that Herald first, or set HERALD_DATA_DIR to another folder, or DATABASE_URL to a PostgreSQL server.',
      );
    }
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
