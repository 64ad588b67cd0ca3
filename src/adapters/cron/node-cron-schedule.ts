import cron from 'node-cron';
import { DateTime } from 'luxon';
import type { CronSchedule } from '../../domain/ports/cron-schedule.js';

/** Give up looking for a firing after this many days (an expression like Feb 30 never fires). */
const HORIZON_DAYS = 366 * 5;

/**
 * Cron with node-cron's own parser and matcher, so the calendar, the scheduler and validation agree
 * on what an expression means (node-cron ANDs day-of-month with day-of-week, unlike POSIX cron).
 */
export class NodeCronSchedule implements CronSchedule {
  validate(expression: string): string | null {
    const fields = expression.trim().split(/\s+/);
    if (fields.length < 5 || fields.length > 6) return `expected 5 fields (minute hour day-of-month month day-of-week), got ${fields.length}`;
    const result = cron.validateDetailed(expression.trim());
    if (result.valid) return null;
    return result.errors.map((e) => `${e.field}: ${e.message}`).join('; ') || 'not a cron expression';
  }

  nextRuns(expression: string, timeZone: string, after: Date, count: number): Date[] {
    if (this.validate(expression) !== null || count <= 0) return [];
    const parsed = cron.parse(expression.trim());
    const task = cron.createTask(expression.trim(), () => undefined, { timezone: timeZone });
    const runs: Date[] = [];
    try {
      let day = DateTime.fromJSDate(after, { zone: timeZone }).startOf('day');
      for (let i = 0; i < HORIZON_DAYS && runs.length < count; i += 1, day = day.plus({ days: 1 })) {
        if (!parsed.month.includes(day.month)) continue;
        let dayMatches: boolean | null = null;
        for (const hour of parsed.hour) {
          for (const minute of parsed.minute) {
            for (const second of parsed.second) {
              const candidate = day.set({ hour, minute, second, millisecond: 0 });
              // A wall time skipped by a DST change moves to another hour: not a firing of this slot.
              if (candidate.hour !== hour || candidate.toMillis() <= after.getTime()) continue;
              const date = candidate.toJSDate();
              dayMatches ??= task.match(date);
              if (!dayMatches) break;
              runs.push(date);
              if (runs.length >= count) return runs;
            }
            if (dayMatches === false) break;
          }
          if (dayMatches === false) break;
        }
      }
      return runs;
    } finally {
      void task.destroy();
    }
  }

  previousRun(expression: string, timeZone: string, atOrBefore: Date): Date | null {
    if (this.validate(expression) !== null) return null;
    const parsed = cron.parse(expression.trim());
    const task = cron.createTask(expression.trim(), () => undefined, { timezone: timeZone });
    const descending = (values: number[]) => [...values].sort((a, b) => b - a);
    const [hours, minutes, seconds] = [descending(parsed.hour), descending(parsed.minute), descending(parsed.second)];
    try {
      const local = DateTime.fromJSDate(atOrBefore, { zone: timeZone });
      let day = local.startOf('day');
      for (let i = 0; i < HORIZON_DAYS; i += 1, day = day.minus({ days: 1 })) {
        if (!parsed.month.includes(day.month)) continue;
        let dayMatches: boolean | null = null;
        for (const hour of hours) {
          // Later hours of today are not due yet (one hour of slack: a DST fall-back repeats an hour).
          if (i === 0 && hour > local.hour + 1) continue;
          for (const minute of minutes) {
            for (const second of seconds) {
              const candidate = day.set({ hour, minute, second, millisecond: 0 });
              // A wall time skipped by a DST change moves to another hour: not a firing of this slot.
              if (candidate.hour !== hour) continue;
              // Day-of-month and day-of-week do not depend on the time: one match per day says.
              dayMatches ??= task.match(candidate.toJSDate());
              if (!dayMatches) break;
              if (candidate.toMillis() <= atOrBefore.getTime()) return candidate.toJSDate();
            }
            if (dayMatches === false) break;
          }
          if (dayMatches === false) break;
        }
      }
      return null;
    } finally {
      void task.destroy();
    }
  }
}
