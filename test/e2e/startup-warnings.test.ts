import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { tempDir } from '../support/herald-process.js';
import { afterAll, expect, it } from 'vitest';

const ROOT = path.resolve(import.meta.dirname, '../..');
const dataDir = tempDir('herald-warn-');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

it('the real entry point warns once, on one line, when unsubscribe links would be plain http:// beyond loopback', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HERALD_DATA_DIR: dataDir, HTTP_PORT: '0', PUBLIC_BASE_URL: 'http://herald.example.com', ACCOUNT_TIME_ZONE: 'UTC' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const code = await new Promise<number | null>((resolve, reject) => child.on('error', reject).on('close', resolve).stdin!.end(''));
  expect(code).toBe(0);
  // One log line (JSON, as every line Herald logs), at warn level.
  const lines = stderr.split('\n').filter((l) => l.includes('PUBLIC_BASE_URL'));
  expect(lines.map((l) => JSON.parse(l) as { level: string; msg: string })).toEqual([
    expect.objectContaining({ level: 'warn', msg: expect.stringMatching(/^Warning: PUBLIC_BASE_URL is http:\/\/herald\.example\.com: .*https:\/\//) }),
  ]);
});
