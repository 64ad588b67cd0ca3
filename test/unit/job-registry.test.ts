import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { NodeCronSchedule } from '../../src/adapters/cron/node-cron-schedule.js';
import { everySeconds, JobRegistry, type Firing } from '../../src/jobs/job-registry.js';
import { digestJob } from '../../src/jobs/scheduler.js';
import { FixedClock } from '../fakes/fixed-clock.js';
import { MemoryJobClaims } from '../fakes/memory-job-claims.js';

const BERLIN = 'Europe/Berlin';
/** The year the tests live in: the clock's, so the DST dates never go stale. */
const YEAR = DateTime.now().year + 1;

/** The last Sunday of `month` in `year`, in Berlin (the EU's DST change days). */
function lastSunday(year: number, month: number): DateTime {
  const last = DateTime.fromObject({ year, month }, { zone: BERLIN }).endOf('month').startOf('day');
  return last.minus({ days: last.weekday % 7 });
}

function registry(clock: FixedClock, claims = new MemoryJobClaims(), owner = 'host:1:a') {
  const events: { event: string; fields: Record<string, unknown> }[] = [];
  const r = new JobRegistry({ clock, cron: new NodeCronSchedule(), claims, owner, log: (event, fields) => events.push({ event, fields }) });
  return { r, events, claims };
}

function recorder() {
  const runs: Firing[] = [];
  return { runs, run: async (f: Firing) => void runs.push(f) };
}

describe('job registry: firings from the injected clock, claimed once', () => {
  it('fires the slot the clock is in, once per slot, whatever the number of calls', async () => {
    const at9 = DateTime.fromObject({ year: YEAR, month: 6, day: 10, hour: 9 }, { zone: BERLIN });
    const clock = new FixedClock(at9.plus({ seconds: 30 }).toJSDate());
    const { r } = registry(clock);
    const job = recorder();
    r.register({ name: 'morning', cron: '0 9 * * *', timeZone: BERLIN, run: job.run });

    expect((await r.fireDue()).map((f) => f.outcome)).toEqual(['ran']);
    expect(job.runs[0]!.fireAt.toISOString()).toBe(at9.toUTC().toISO());
    // The same slot again (a second node-cron call, a test calling twice): nothing more.
    clock.advance(20_000);
    expect(await r.fireDue()).toEqual([]);
    // The next day's slot.
    clock.set(at9.plus({ days: 1 }).toJSDate());
    await r.fireDue();
    expect(job.runs.map((f) => f.fireAt.toISOString())).toEqual([at9.toUTC().toISO(), at9.plus({ days: 1 }).toUTC().toISO()]);
  });

  it('two registries sharing the claims (two replicas) run each slot of a sequence exactly once between them', async () => {
    const start = DateTime.fromObject({ year: YEAR, month: 2, day: 1 }, { zone: 'UTC' }).toJSDate();
    const claims = new MemoryJobClaims();
    const clockA = new FixedClock(start);
    const clockB = new FixedClock(start);
    const a = registry(clockA, claims, 'a:1:x').r;
    const b = registry(clockB, claims, 'b:2:y').r;
    const runs: string[] = [];
    for (const r of [a, b]) {
      r.register({ name: 'tick', cron: everySeconds(5), timeZone: 'UTC', run: async (f) => void runs.push(`tick@${f.fireAt.toISOString()}`) });
      r.register({ name: 'minutely', cron: '* * * * *', timeZone: 'UTC', run: async (f) => void runs.push(`minutely@${f.fireAt.toISOString()}`) });
    }
    const outcomes: string[] = [];
    const slots = { tick: new Set<number>(), minutely: new Set<number>() };
    for (let i = 0; i < 30; i++) {
      clockA.advance(5000);
      // Replica b's clock is 1.2 s behind: mostly the same slots, at different moments.
      clockB.set(new Date(clockA.now().getTime() - 1200));
      for (const c of [clockA, clockB]) {
        slots.tick.add(Math.floor(c.now().getTime() / 5000) * 5000);
        slots.minutely.add(Math.floor(c.now().getTime() / 60_000) * 60_000);
      }
      const reports = (await Promise.all([a.fireDue(), b.fireDue()])).flat();
      outcomes.push(...reports.map((f) => f.outcome));
    }
    const expected = (name: keyof typeof slots) => [...slots[name]].sort().map((t) => `${name}@${new Date(t).toISOString()}`);
    // Every slot either replica's clock was in ran once, by one of them.
    expect(runs.filter((r) => r.startsWith('tick@')).sort()).toEqual(expected('tick'));
    expect(runs.filter((r) => r.startsWith('minutely@')).sort()).toEqual(expected('minutely'));
    expect(outcomes.filter((o) => o === 'ran')).toHaveLength(runs.length);
    expect(outcomes.filter((o) => o === 'claimed_elsewhere').length).toBeGreaterThan(20);
  });

  it('keeps the wall time across DST changes (Europe/Berlin, last Sundays of March and October of the clock’s year)', async () => {
    const cron = new NodeCronSchedule();
    for (const [month, before, after] of [
      [3, '08:00', '07:00'],
      [10, '07:00', '08:00'],
    ] as const) {
      const sunday = lastSunday(YEAR, month);
      const saturday = sunday.minus({ days: 1 });
      const clock = new FixedClock(saturday.set({ hour: 9, minute: 0, second: 10 }).toJSDate());
      const { r } = registry(clock);
      const job = recorder();
      r.register({ name: 'nine', cron: '0 9 * * *', timeZone: BERLIN, run: job.run });
      await r.fireDue();
      clock.set(sunday.set({ hour: 9, minute: 0, second: 10 }).toJSDate());
      await r.fireDue();
      expect(job.runs.map((f) => f.fireAt.toISOString().slice(11, 16))).toEqual([before, after]);
      expect(job.runs.map((f) => DateTime.fromJSDate(f.fireAt, { zone: BERLIN }).toFormat('HH:mm'))).toEqual(['09:00', '09:00']);
    }
    // 02:30 does not exist on the March Sunday: the slot at 04:00 that morning is Saturday's.
    const spring = lastSunday(YEAR, 3);
    const slot = cron.previousRun('30 2 * * *', BERLIN, spring.set({ hour: 4 }).toJSDate())!;
    expect(DateTime.fromJSDate(slot, { zone: BERLIN }).toISODate()).toBe(spring.minus({ days: 1 }).toISODate());
    // 02:30 happens twice on the October Sunday: one slot, not two.
    const autumn = lastSunday(YEAR, 10);
    const clock = new FixedClock(autumn.set({ hour: 2, minute: 30, second: 5 }).toJSDate());
    const { r } = registry(clock);
    const job = recorder();
    r.register({ name: 'half-two', cron: '30 2 * * *', timeZone: BERLIN, run: job.run });
    for (let i = 0; i < 12; i++) {
      await r.fireDue();
      clock.advance(10 * 60_000);
    }
    expect(job.runs).toHaveLength(1);
  });

  it('after downtime runs the last slot missed only within the job’s catch-up time; older ones are skipped, never piled up', async () => {
    const nine = DateTime.fromObject({ year: YEAR, month: 6, day: 10, hour: 9 }, { zone: BERLIN });
    const clock = new FixedClock(nine.plus({ hours: 3 }).toJSDate());
    const { r, events } = registry(clock);
    const quick = recorder();
    const digest = recorder();
    r.register({ name: 'quick', cron: '0 9 * * *', timeZone: BERLIN, run: quick.run });
    r.register(digestJob({ cron: '0 9 * * *', timeZone: BERLIN }, digest.run));
    const reports = await r.fireDue();
    expect(Object.fromEntries(reports.map((f) => [f.name, f.outcome]))).toEqual({ quick: 'missed', 'daily-digest': 'ran' });
    expect(quick.runs).toEqual([]);
    expect(digest.runs.map((f) => f.fireAt.toISOString())).toEqual([nine.toUTC().toISO()]);
    expect(events.map((e) => e.event)).toContain('job.missed');
  });

  it('a failing handler or claim is logged, not thrown; a failed claim does not run the job; a firing never overlaps the previous one', async () => {
    const clock = new FixedClock(new Date(Date.UTC(YEAR, 0, 1, 0, 0, 1)));
    const broken = { claim: async () => Promise.reject(new Error('database down')), prune: async () => 0 };
    const { r, events } = registry(clock);
    r.register({ name: 'boom', cron: '* * * * *', timeZone: 'UTC', run: async () => Promise.reject(new Error('handler broke')) });
    expect((await r.fireDue())[0]).toMatchObject({ outcome: 'failed', error: 'handler broke' });
    const down = registry(clock, broken as unknown as MemoryJobClaims);
    const job = recorder();
    down.r.register({ name: 'quiet', cron: '* * * * *', timeZone: 'UTC', run: job.run });
    expect((await down.r.fireDue())[0]!.outcome).toBe('claim_failed');
    expect(job.runs).toEqual([]);
    expect([...events, ...down.events].map((e) => e.event)).toEqual(expect.arrayContaining(['job.failed', 'job.claim_failed']));

    let release!: () => void;
    const slow = registry(clock).r;
    slow.register({ name: 'slow', cron: '* * * * * *', timeZone: 'UTC', run: () => new Promise<void>((resolve) => (release = resolve)) });
    const first = slow.fire('slow');
    clock.advance(1000);
    expect((await slow.fire('slow'))!.outcome).toBe('overlapping');
    expect(slow.busy()).toEqual(['slow']);
    release();
    expect((await first)!.outcome).toBe('ran');
  });

  it('refuses a bad cron expression, an unknown zone and a second job of the same name, naming them', () => {
    const { r } = registry(new FixedClock(new Date(Date.UTC(YEAR, 0, 1))));
    const run = async () => undefined;
    expect(() => r.register({ name: 'x', cron: '61 * * * *', timeZone: 'UTC', run })).toThrow(/job x: the cron expression "61 \* \* \* \*" is not valid/i);
    expect(() => r.register({ name: 'x', cron: '0 9 * * *', timeZone: 'Mars/Olympus', run })).toThrow(/"Mars\/Olympus" is not a time zone/);
    r.register({ name: 'x', cron: '0 9 * * *', timeZone: 'UTC', run });
    expect(() => r.register({ name: 'x', cron: '0 9 * * *', timeZone: 'UTC', run })).toThrow(/already registered/);
  });

  it('turns the tick interval into a cron expression, rounding down to one cron can count', () => {
    expect(everySeconds(5)).toBe('*/5 * * * * *');
    expect(everySeconds(7)).toBe('*/6 * * * * *');
    expect(everySeconds(120)).toBe('0 */2 * * * *');
    expect(everySeconds(3600)).toBe('0 0 * * * *');
  });
});
