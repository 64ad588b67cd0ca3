import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ERROR_LEADS } from '../../src/commands/error-replies.js';
import { ROOT, repliesOf, runHerald, tempDir } from '../support/herald-process.js';

const dataDir = tempDir('herald-tour-');
afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

/** The first code block under the README's "A tour in the console" heading, line by line. */
function readmeTour(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.slice(readme.indexOf('## A tour in the console'));
  const block = /```\n([\s\S]*?)```/.exec(section);
  if (!block) throw new Error('README.md has no code block under "A tour in the console"');
  return block[1]!.split('\n').filter((line) => line.trim() !== '');
}

describe('the README tour, as a new user types it', () => {
  it('runs on any day: every command does what it says, and only the import reports (deliberately) bad rows', async () => {
    const tour = readmeTour();
    expect(tour.length).toBeGreaterThan(5);
    const { stdout, stderr } = await runHerald(`${tour.join('\n')}\n`, { HERALD_DATA_DIR: dataDir });
    expect(stderr).not.toMatch(/error|at .*\.ts:\d+/i);
    const replies = repliesOf(stdout);
    expect(replies.map((r) => r.command)).toEqual(tour);
    const refusal = new RegExp(`^(${Object.values(ERROR_LEADS).join('|')}|Unknown |Something went wrong)`);
    for (const { command, reply } of replies) expect(reply, command).not.toMatch(refusal);
    expect(stdout).toMatch(/2 rejected/);
    expect(stdout).toMatch(/ready -> scheduled/);
    expect(stdout).toMatch(/scheduled -> paused/);
    expect(stdout).toMatch(/paused -> scheduled/);
    expect(stdout).toMatch(/scheduled -> cancelled/);
    expect(stdout).toMatch(/Sent what was due before exiting: 3 messages/);
  });
});
