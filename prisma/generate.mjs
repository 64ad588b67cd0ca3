// Runs `prisma generate` offline. Prisma 7's client needs no native engine (it uses the pg driver
// adapter), but `generate` insists that a schema-engine binary exists and downloads one otherwise,
// which would break installs without internet. Any existing file satisfies the check: it is never run.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const env = { ...process.env };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= fileURLToPath(import.meta.url);
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const result = spawnSync(process.execPath, [fileURLToPath(new URL('../node_modules/prisma/build/index.js', import.meta.url)), 'generate'], {
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
