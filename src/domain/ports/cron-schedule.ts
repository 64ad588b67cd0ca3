/** Cron expressions as the scheduler understands them (validation and next firing times). */
export interface CronSchedule {
  /** null when valid, else a reason naming the bad field. */
  validate(expression: string): string | null;
  /** The next `count` firing times strictly after `after`, evaluated in `timeZone`. */
  nextRuns(expression: string, timeZone: string, after: Date, count: number): Date[];
  /** The latest firing time at or before `atOrBefore` (the slot a scheduler firing now belongs to); null if none. */
  previousRun(expression: string, timeZone: string, atOrBefore: Date): Date | null;
}
