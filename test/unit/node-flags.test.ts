import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../support/herald-process.js';

/** Herald's heap limit (README, Benchmarks): the same wherever Herald is started, or a bench would measure another process than users run. */
const HEAP_FLAG = /--max-old-space-size=(\d+)/;

describe("Herald's V8 flags", () => {
  it('are the same in npm start, npm run serve, serve:prod and the Docker image', () => {
    const scripts = (JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    const cmd = fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8').split('\n').find((line) => line.startsWith('CMD '))!;
    const limits = { start: scripts.start, serve: scripts.serve, 'serve:prod': scripts['serve:prod'], Dockerfile: cmd };
    const found = Object.fromEntries(Object.entries(limits).map(([where, line]) => [where, HEAP_FLAG.exec(line ?? '')?.[1] ?? null]));
    expect(found).toEqual({ start: '512', serve: '512', 'serve:prod': '512', Dockerfile: '512' });
  });
});
