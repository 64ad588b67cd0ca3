import { describe, expect, it } from 'vitest';
import { closestMatch, editDistance } from '../../src/domain/text/closest-match.js';

const SUBCOMMANDS = ['list', 'show', 'new', 'edit', 'pause', 'resume', 'cancel', 'templates', 'contacts'];

describe('typo suggestions', () => {
  it.each([
    ['puase', 'pause'],
    ['PAUES', 'pause'],
    ['templats', 'templates'],
    ['shwo', 'show'],
    ['frobnicate', undefined],
  ])('%s -> %s', (typed, suggestion) => {
    expect(closestMatch(typed, SUBCOMMANDS)).toBe(suggestion);
  });

  it('counts a swap of neighbours as one edit', () => {
    expect(editDistance('puase', 'pause')).toBe(1);
    expect(editDistance('', 'abc')).toBe(3);
  });

  it('does no work for a word far longer than any candidate (a 100 kB word used to build a matrix per candidate)', () => {
    const compared: [number, number][] = [];
    const counting = (a: string, b: string) => (compared.push([a.length, b.length]), editDistance(a, b));
    expect(closestMatch('x'.repeat(100_000), SUBCOMMANDS, 2, counting)).toBeUndefined();
    expect(compared).toEqual([]);
    expect(closestMatch('paus', SUBCOMMANDS, 2, counting)).toBe('pause');
    expect(compared.every(([a, b]) => Math.abs(a - b) <= 2)).toBe(true);
    expect(closestMatch(`pause${'x'.repeat(3)}`, SUBCOMMANDS)).toBeUndefined();
    expect(closestMatch(`pause${'x'.repeat(2)}`, SUBCOMMANDS)).toBe('pause');
  });
});
