import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * A fresh temporary folder for a Herald data folder. Enterable (not readable) by others: as root,
 * Herald runs its PostgreSQL as the `postgres` account, which must reach the cluster inside.
 */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o711);
  return dir;
}

export interface HeraldExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Starts the real entry point (`npm start`: src/main.ts under tsx) with `script` on stdin, as
 * `printf … | npm start` does, with only the environment given (plus PATH and HOME).
 */
export function startHerald(script: string, env: NodeJS.ProcessEnv): { child: ChildProcess; exited: Promise<HeraldExit> } {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HTTP_PORT: '0', ACCOUNT_TIME_ZONE: 'UTC', ...env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<HeraldExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  child.stdin!.end(script);
  return { child, exited };
}

/** Runs a console script to the end of input. */
export function runHerald(script: string, env: NodeJS.ProcessEnv): Promise<HeraldExit> {
  return startHerald(script, env).exited;
}

/** Splits a script run's stdout into each command (the echoed `> …` line) and its reply. */
export function repliesOf(stdout: string): { command: string; reply: string }[] {
  return stdout
    .split(/^> /m)
    .slice(1)
    .map((part) => {
      const newline = part.indexOf('\n');
      return { command: part.slice(0, newline), reply: part.slice(newline + 1).trim() };
    });
}
