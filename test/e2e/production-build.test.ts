import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { ROOT, serveHerald, tempDir } from '../support/herald-process.js';

const tmp = tempDir('herald-build-');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/**
 * What production runs is the compiled JavaScript, laid out as the Docker image's runtime stage has
 * it: package.json, prisma/ (the migrations Herald applies at start), node_modules and dist/, and no
 * src/, no tsconfig, no tsx.
 */
it('npm run build compiles src (the generated Prisma client included) to dist/, and node dist/main.js serve starts, answers /healthz and stops on SIGTERM', { timeout: 180_000 }, async () => {
  const app = path.join(tmp, 'app');
  fs.mkdirSync(app);
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(app, 'package.json'));
  fs.symlinkSync(path.join(ROOT, 'prisma'), path.join(app, 'prisma'));
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(app, 'node_modules'));

  // The build script's compiler and tsconfig, with the output moved into the copy.
  const tsc = await run(process.execPath, [path.join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', path.join(ROOT, 'tsconfig.build.json'), '--outDir', path.join(app, 'dist')]);
  expect(tsc.code, tsc.output).toBe(0);
  const dist = path.join(app, 'dist');
  expect(fs.existsSync(path.join(dist, 'main.js'))).toBe(true);
  expect(fs.existsSync(path.join(dist, 'adapters/db/generated/client.js'))).toBe(true);
  // Nothing that needs development dependencies: no tests, no migration-authoring tool.
  expect(fs.existsSync(path.join(dist, 'test'))).toBe(false);
  expect(fs.existsSync(path.join(dist, 'adapters/db/author-migration.js'))).toBe(false);
  expect(fs.readdirSync(dist, { recursive: true }).filter((f) => String(f).endsWith('.ts'))).toEqual([]);

  const herald = serveHerald({ HERALD_DATA_DIR: path.join(tmp, 'data') }, { args: ['--max-old-space-size=512', '--enable-source-maps', 'dist/main.js', 'serve'], cwd: app });
  const port = await herald.ready;
  const health = await fetch(`http://127.0.0.1:${port}/healthz`);
  expect(health.status, herald.output()).toBe(200);
  herald.child.kill('SIGTERM');
  const exit = await herald.exited;
  expect(exit, herald.output()).toMatchObject({ code: 0, signal: null });
  // The compiled code ran the embedded PostgreSQL in the data folder, as the image does in /data.
  expect(fs.existsSync(path.join(tmp, 'data', 'postgres', 'PG_VERSION'))).toBe(true);
});

function run(command: string, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, output }));
  });
}
