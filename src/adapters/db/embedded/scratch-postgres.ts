import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedPostgres, type EmbeddedPostgres } from './embedded-postgres.js';

/**
 * A throwaway embedded server in a fresh temporary folder, removed on close: the shadow database of
 * migration authoring, and the tests' server. The folder is left enterable (not readable) by others,
 * so that as root the `postgres` account can reach its cluster.
 */
export async function startScratchPostgres(prefix = 'herald-pg-'): Promise<EmbeddedPostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o711);
  try {
    const server = await startEmbeddedPostgres({ dataDir: dir });
    return {
      url: server.url,
      async close() {
        await server.close();
        fs.rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw error;
  }
}
