import { startScratchPostgres } from '../../src/adapters/db/embedded/scratch-postgres.js';
import { EMBEDDED_URL_VAR } from './test-database.js';

/**
 * vitest global setup: one embedded PostgreSQL server (Herald's own engine) for the whole run; each
 * test creates and drops its databases on it. The URL reaches the test workers through the
 * environment they are started with.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const server = await startScratchPostgres('herald-test-pg-');
  process.env[EMBEDDED_URL_VAR] = server.url;
  return () => server.close();
}
