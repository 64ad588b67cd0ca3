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
 * `printf … | npm start` does, with only the environment given (plus PATH and HOME). With
 * `more: true` stdin stays open for the test to write further lines and end.
 */
export function startHerald(script: string, env: NodeJS.ProcessEnv, options: { more?: boolean } = {}): { child: ChildProcess; exited: Promise<HeraldExit> } {
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
  if (options.more) child.stdin!.write(script);
  else child.stdin!.end(script);
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

export interface ServedHerald {
  child: ChildProcess;
  /** The HTTP port from the "serving" line, once Herald says it is up (rejects if it exits first). */
  ready: Promise<number>;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Resolves when the output matches; rejects, with the output's tail, if the process exits first. */
  waitFor(text: RegExp): Promise<void>;
  exited: Promise<HeraldExit>;
}

/**
 * Starts Herald in server mode as a service manager would: no terminal, nothing on stdin, only the
 * environment given. `command` defaults to the sources under tsx; the production-build test passes
 * `node dist/main.js`.
 */
export function serveHerald(env: NodeJS.ProcessEnv, command: { args: string[]; cwd: string } = { args: ['--import', 'tsx', 'src/main.ts', 'serve'], cwd: ROOT }): ServedHerald {
  const child = spawn(process.execPath, command.args, {
    cwd: command.cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HTTP_PORT: '0', ACCOUNT_TIME_ZONE: 'UTC', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let stdout = '';
  let stderr = '';
  let ended = false;
  const waiters: { text: RegExp; resolve: () => void; reject: (e: Error) => void }[] = [];
  const check = () => {
    for (const w of [...waiters]) {
      if (w.text.test(out)) waiters.splice(waiters.indexOf(w), 1), w.resolve();
      else if (ended) waiters.splice(waiters.indexOf(w), 1), w.reject(new Error(`Herald exited before printing ${w.text}:\n${out.slice(-3000)}`));
    }
  };
  child.stdout!.on('data', (d: Buffer) => ((stdout += d.toString()), (out += d.toString()), check()));
  child.stderr!.on('data', (d: Buffer) => ((stderr += d.toString()), (out += d.toString()), check()));
  const exited = new Promise<HeraldExit>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => {
      ended = true;
      check();
      resolve({ code, signal, stdout, stderr });
    });
  });
  const waitFor = (text: RegExp) =>
    new Promise<void>((resolve, reject) => {
      waiters.push({ text, resolve, reject });
      check();
    });
  const serving = /Herald is serving on http:\/\/[^\s:]+:(\d+)/;
  const ready = waitFor(serving).then(() => Number(serving.exec(out)![1]));
  return { child, ready, output: () => out, waitFor, exited };
}
