/**
 * Fuzz of the `/campaign` grammar (issue 13). What it covers:
 * - lines generated from the command table (test/support/fuzz-lines.ts): every subcommand, its
 *   positionals and flags (bare, `--flag=value`, quoted either way, in any order), with values that
 *   are plausible for their placeholder or hostile (NUL and other controls, lone surrogates,
 *   noncharacters, numbers past every integer type, 3,000-character and 100 kB words, stray and
 *   curly quotes, dashes, empty), plus raw random text;
 * - asserts that parseCommand either returns a Command or throws a CommandSyntaxError (never
 *   anything else), that a refusal has a message (no stack trace, no internal error text, no raw
 *   control or invalid character: what was typed is echoed escaped) and the usage to show under it, and that a Command it returns holds no character that cannot be stored;
 * - seeded (FUZZ_SEED overrides the seed, FUZZ_RUNS the number of lines) and bounded in runs and time.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommandSyntaxError, parseCommand } from '../../src/commands/grammar/parse-command.js';
import { findInvalidCharacter } from '../../src/domain/text/invalid-characters.js';
import { LEAK, commandLine } from '../support/fuzz-lines.js';

const SEED = Number(process.env.FUZZ_SEED ?? 1313);
const RUNS = Number(process.env.FUZZ_RUNS ?? 5000);

/** Every string inside a parsed Command (fields, arrays, conditions, variants). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

describe(`grammar fuzz (seed ${SEED}, ${RUNS} lines)`, () => {
  it('parses or refuses with a CommandSyntaxError that has a message and usage; never throws anything else', () => {
    const seen = { parsed: 0, refused: 0 };
    fc.assert(
      fc.property(commandLine, (line) => {
        const started = performance.now();
        try {
          const command = parseCommand(line);
          seen.parsed += 1;
          // Help topics are looked up, never stored; every other value must be storable.
          if (command.name !== 'help') for (const s of strings(command)) expect(findInvalidCharacter(s, { multiline: true }), JSON.stringify(s).slice(0, 80)).toBeNull();
        } catch (error) {
          if (!(error instanceof CommandSyntaxError)) throw error;
          seen.refused += 1;
          expect(error.message.trim().length).toBeGreaterThan(0);
          expect(error.message).not.toMatch(LEAK);
          // What was typed is echoed escaped: no raw control characters (terminal escapes) in a reply.
          expect(findInvalidCharacter(error.message, { multiline: true }), JSON.stringify(error.message.slice(0, 200))).toBeNull();
          expect(error.usage).toMatch(/\/campaign |Subcommands:/);
        }
        // One line, however hostile, must not hold the process (a 100 kB word included).
        expect(performance.now() - started).toBeLessThan(1_000);
      }),
      { seed: SEED, numRuns: RUNS, interruptAfterTimeLimit: 30_000, markInterruptAsFailure: false },
    );
    // The generator must reach both sides, or the fuzz proves little.
    expect(seen.parsed).toBeGreaterThan(RUNS / 10);
    expect(seen.refused).toBeGreaterThan(RUNS / 10);
    console.info(`grammar fuzz: seed ${SEED}, ${seen.parsed + seen.refused} lines, ${seen.parsed} parsed, ${seen.refused} refused`);
  });
});
