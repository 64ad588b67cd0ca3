import { describe, expect, it } from 'vitest';
import { NodeCronSchedule } from '../../src/adapters/cron/node-cron-schedule.js';

const cron = new NodeCronSchedule();
const after = new Date('2026-11-22T14:00:00Z');

describe('cron schedule', () => {
  it('computes firings in the campaign time zone', () => {
    expect(cron.nextRuns('0 9 * * 1-5', 'Europe/Paris', after, 2).map((d) => d.toISOString())).toEqual([
      '2026-11-23T08:00:00.000Z',
      '2026-11-24T08:00:00.000Z',
    ]);
  });
  it('ANDs day-of-month with day-of-week, as node-cron runs it (Friday the 13th only)', () => {
    expect(cron.nextRuns('0 0 13 * 5', 'UTC', after, 1).map((d) => d.toISOString())).toEqual(['2027-08-13T00:00:00.000Z']);
  });
  it('skips a wall time that a DST change removes', () => {
    const runs = cron.nextRuns('30 2 * * *', 'America/New_York', new Date('2027-03-13T00:00:00Z'), 2);
    expect(runs.map((d) => d.toISOString())).toEqual(['2027-03-13T07:30:00.000Z', '2027-03-15T06:30:00.000Z']);
  });
  it('names the bad field of an invalid expression', () => {
    expect(cron.validate('0 25 * * *')).toMatch(/hour/);
    expect(cron.validate('1 2 3')).toMatch(/5 fields/);
    expect(cron.validate('*/15 * * * *')).toBeNull();
  });
  it('returns nothing for an expression that never fires', () => {
    expect(cron.nextRuns('0 0 31 2 *', 'UTC', after, 1)).toEqual([]);
  });
});
