import { describe, expect, it } from 'vitest';
import { nextWindowOpening, type SendWindow } from '../../src/domain/delivery/quiet-hours.js';

const window = (from: string, to: string): SendWindow => {
  const minutes = (hhmm: string) => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3));
  return { startMinute: minutes(from), endMinute: minutes(to) };
};
const DAY = window('08:00', '21:00');
const NIGHT = window('22:00', '06:00');
const TO_MIDNIGHT = window('08:00', '00:00');

/** [what, now (UTC), recipient zone, account zone, window, next opening (UTC) or null when open now] */
type Case = [string, string, string | null, string, SendWindow, string | null];

const CASES: Case[] = [
  // A day window in the recipient's zone
  ['inside the window', '2026-01-15T12:00:00Z', 'Europe/Paris', 'UTC', DAY, null],
  ['at the opening minute (start is inclusive)', '2026-01-15T07:00:00Z', 'Europe/Paris', 'UTC', DAY, null],
  ['a minute before the opening', '2026-01-15T06:59:00Z', 'Europe/Paris', 'UTC', DAY, '2026-01-15T07:00:00Z'],
  ['at the closing minute (end is exclusive): tomorrow', '2026-01-15T20:00:00Z', 'Europe/Paris', 'UTC', DAY, '2026-01-16T07:00:00Z'],
  ['late evening: tomorrow morning', '2026-01-15T22:30:00Z', 'Europe/Paris', 'UTC', DAY, '2026-01-16T07:00:00Z'],
  ['after local midnight, before the opening: this morning', '2026-01-15T23:30:00Z', 'Europe/Paris', 'UTC', DAY, '2026-01-16T07:00:00Z'],
  // Whose zone
  ['the recipient zone wins over the account zone', '2026-01-15T06:30:00Z', 'Europe/Paris', 'America/New_York', DAY, '2026-01-15T07:00:00Z'],
  ['no recipient zone: the account zone', '2026-01-15T06:30:00Z', null, 'America/New_York', DAY, '2026-01-15T13:00:00Z'],
  ['an unknown recipient zone: the account zone', '2026-01-15T06:30:00Z', 'Mars/Olympus_Mons', 'America/New_York', DAY, '2026-01-15T13:00:00Z'],
  ['same instant, open in one zone and closed in another', '2026-01-15T12:00:00Z', 'Asia/Tokyo', 'UTC', DAY, '2026-01-15T23:00:00Z'],
  // DST days: the opening stays 08:00 local, whatever the offset did overnight
  ['Paris, evening before spring forward: 08:00 CEST', '2026-03-28T20:30:00Z', 'Europe/Paris', 'UTC', DAY, '2026-03-29T06:00:00Z'],
  ['Paris, spring-forward morning before the opening', '2026-03-29T05:30:00Z', 'Europe/Paris', 'UTC', DAY, '2026-03-29T06:00:00Z'],
  ['Paris, spring-forward day at 08:00 CEST: open', '2026-03-29T06:00:00Z', 'Europe/Paris', 'UTC', DAY, null],
  ['Paris, evening before fall back: 08:00 CET', '2026-10-24T19:30:00Z', 'Europe/Paris', 'UTC', DAY, '2026-10-25T07:00:00Z'],
  ['Paris, fall-back night in the repeated hour', '2026-10-25T00:30:00Z', 'Europe/Paris', 'UTC', DAY, '2026-10-25T07:00:00Z'],
  ['New York, the spring-forward night (01:30 EST)', '2026-03-08T06:30:00Z', 'America/New_York', 'UTC', DAY, '2026-03-08T12:00:00Z'],
  ['New York, fall-back night (01:30 EDT, the first one)', '2026-11-01T05:30:00Z', 'America/New_York', 'UTC', DAY, '2026-11-01T13:00:00Z'],
  ['New York, fall-back night (01:30 EST, the second one)', '2026-11-01T06:30:00Z', 'America/New_York', 'UTC', DAY, '2026-11-01T13:00:00Z'],
  // A window crossing midnight (22:00-06:00)
  ['overnight: late evening is inside', '2026-01-15T22:00:00Z', 'UTC', 'UTC', NIGHT, null],
  ['overnight: after midnight is inside', '2026-01-16T03:00:00Z', 'UTC', 'UTC', NIGHT, null],
  ['overnight: at its closing minute, tonight', '2026-01-16T06:00:00Z', 'UTC', 'UTC', NIGHT, '2026-01-16T22:00:00Z'],
  ['overnight: midday waits for tonight', '2026-01-16T12:00:00Z', 'UTC', 'UTC', NIGHT, '2026-01-16T22:00:00Z'],
  ['overnight: a minute before it opens', '2026-01-16T21:59:00Z', 'UTC', 'UTC', NIGHT, '2026-01-16T22:00:00Z'],
  ['overnight, Paris spring-forward night: 03:30 CEST is inside', '2026-03-29T01:30:00Z', 'Europe/Paris', 'UTC', NIGHT, null],
  ['overnight, Paris spring-forward day: opens 22:00 CEST', '2026-03-29T10:00:00Z', 'Europe/Paris', 'UTC', NIGHT, '2026-03-29T20:00:00Z'],
  ['overnight, Paris fall-back day: opens 22:00 CET', '2026-10-25T10:00:00Z', 'Europe/Paris', 'UTC', NIGHT, '2026-10-25T21:00:00Z'],
  // A window ending at midnight (08:00-00:00)
  ['to midnight: a minute before midnight is inside', '2026-01-15T23:59:00Z', 'UTC', 'UTC', TO_MIDNIGHT, null],
  ['to midnight: just after midnight waits for 08:00', '2026-01-16T00:30:00Z', 'UTC', 'UTC', TO_MIDNIGHT, '2026-01-16T08:00:00Z'],
];

describe('nextWindowOpening: SMS quiet hours in the recipient zone', () => {
  it.each(CASES)('%s', (_what, now, zone, accountZone, win, expected) => {
    const opening = nextWindowOpening(new Date(now), zone, accountZone, win);
    expect(opening?.toISOString() ?? null).toBe(expected === null ? null : new Date(expected).toISOString());
  });

  it('never answers an opening in the past, and the window is open at the opening it answers', () => {
    const zones = ['Europe/Paris', 'America/New_York', 'Australia/Sydney', 'Asia/Kolkata', 'UTC'];
    for (const win of [DAY, NIGHT, TO_MIDNIGHT]) {
      for (const zone of zones) {
        // Every 97 minutes across both 2026 DST changes of both hemispheres.
        for (let t = Date.parse('2026-03-27T00:00:00Z'); t < Date.parse('2026-04-07T00:00:00Z'); t += 97 * 60_000) {
          const now = new Date(t);
          const opening = nextWindowOpening(now, zone, 'UTC', win);
          if (opening === null) continue;
          expect(opening.getTime()).toBeGreaterThan(now.getTime());
          expect(opening.getTime() - now.getTime()).toBeLessThanOrEqual(25 * 3_600_000);
          expect(nextWindowOpening(opening, zone, 'UTC', win)).toBeNull();
        }
      }
    }
  });
});
