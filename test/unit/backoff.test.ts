import { describe, expect, it } from 'vitest';
import { backoffMs } from '../../src/domain/delivery/backoff.js';

const BASE = 30_000;
const SIX_HOURS = 6 * 3_600_000;

describe('backoffMs: exponential back-off with full jitter, capped', () => {
  // [attempt, random, cap, expected]
  const CASES: [number, number, number | undefined, number][] = [
    [1, 0, undefined, BASE],
    [1, 1, undefined, BASE], // the first wait is exactly the base
    [2, 0, undefined, BASE],
    [2, 0.5, undefined, 45_000],
    [2, 1, undefined, 60_000],
    [5, 1, undefined, 480_000], // base * 2^4
    [10, 1, undefined, 15_360_000], // base * 2^9, still under six hours
    [11, 1, undefined, SIX_HOURS], // capped at six hours by default
    [50, 1, undefined, SIX_HOURS],
    [2000, 1, undefined, SIX_HOURS], // 2^1999 overflows to Infinity and is still capped
    [4, 1, 100_000, 100_000], // an explicit cap
    [0, 1, undefined, BASE], // a message never attempted waits the base
  ];
  it.each(CASES)('attempt %i, random %d, cap %s: %i ms', (attempt, random, cap, expected) => {
    expect(backoffMs(attempt, BASE, () => random, cap)).toBe(expected);
  });

  it('stays inside [base, min(cap, base * 2^(n-1))] for every draw, and the ceiling doubles until the cap', () => {
    let previousCeiling = 0;
    for (let attempt = 1; attempt <= 16; attempt++) {
      const ceiling = Math.min(SIX_HOURS, BASE * 2 ** (attempt - 1));
      for (const r of [0, 0.001, 0.25, 0.5, 0.75, 0.999, 1]) {
        const wait = backoffMs(attempt, BASE, () => r);
        expect(wait).toBeGreaterThanOrEqual(BASE);
        expect(wait).toBeLessThanOrEqual(ceiling);
        expect(Number.isInteger(wait)).toBe(true);
      }
      expect(backoffMs(attempt, BASE, () => 1)).toBe(ceiling);
      expect(ceiling === SIX_HOURS || ceiling === previousCeiling * 2 || attempt === 1).toBe(true);
      previousCeiling = ceiling;
    }
  });

  it('spreads retries of the same attempt (the jitter is the random draw, not a constant)', () => {
    const waits = new Set([0.1, 0.3, 0.5, 0.7, 0.9].map((r) => backoffMs(6, BASE, () => r)));
    expect(waits.size).toBe(5);
  });
});
