import cron from 'node-cron';
import type { Clock } from '../domain/ports/clock.js';
import type { CronSchedule } from '../domain/ports/cron-schedule.js';
import type { EventLog } from '../domain/ports/event-log.js';
import type { JobClaims } from '../domain/ports/job-claims.js';

/** One firing of a job: which job, and the scheduled time it belongs to (not when it really ran). */
export interface Firing {
  name: string;
  fireAt: Date;
}

/** A periodic job: what runs, on which cron schedule, in which time zone. */
export interface JobDefinition {
  /** Unique; names the firing's claim in `job_lock` and the job in logs. */
  name: string;
  /** 5 fields (minute …) or 6 (second …), as node-cron reads them (day-of-month AND day-of-week). */
  cron: string;
  /** IANA zone the expression is read in (DST changes move the UTC time, not the wall time). */
  timeZone: string;
  /**
   * How late a firing may still run: after downtime, the last slot missed runs at start-up if it is
   * at most this old, and older ones are skipped (never piled up). Default one minute.
   */
  catchUpMs?: number;
  run(firing: Firing): Promise<unknown>;
}

export type FiringOutcome =
  /** This process claimed the firing and ran it (`error` set when the handler failed). */
  | 'ran'
  | 'failed'
  /** Another replica (or an earlier run of this one) claimed it first. */
  | 'claimed_elsewhere'
  /** Older than `catchUpMs`: skipped. */
  | 'missed'
  /** The job's previous firing is still running here: this one is skipped (no overlap). */
  | 'overlapping'
  /** The claim could not be written (database down): not run, fail closed. */
  | 'claim_failed';

export interface FiringReport extends Firing {
  outcome: FiringOutcome;
  error?: string;
}

export interface JobRegistryDeps {
  clock: Clock;
  cron: CronSchedule;
  claims: JobClaims;
  /** Names this process in the claims (host:pid:random). */
  owner: string;
  log: EventLog;
}

const DEFAULT_CATCH_UP_MS = 60_000;

/**
 * Every periodic job of Herald, registered in one place (main.ts registers them from the
 * composition root), and fired at most once per scheduled slot across replicas.
 *
 * The fire time of a firing is the slot the injected clock is in: the latest time the cron
 * expression names at or before `clock.now()`. node-cron only says *when* to look (one task per
 * job); `fireDue(at)` decides what is due and claims it, so a test drives the registry with a fake
 * clock and no timers, exactly as production runs it. Claims are our own insert into `job_lock`
 * rather than node-cron's `distributed` coordinator, whose key is built from node-cron's own timer
 * (the wall clock), not the injected clock, and which a test firing by hand would bypass.
 */
export class JobRegistry {
  private readonly jobs = new Map<string, JobDefinition>();
  /** The last slot this process looked at, per job: the same slot is never claimed twice here. */
  private readonly lastSlot = new Map<string, number>();
  private readonly running = new Map<string, Promise<FiringReport>>();
  private tasks: { stop(): unknown }[] = [];
  private stopped = false;

  constructor(private readonly deps: JobRegistryDeps) {}

  /** Adds a job; refuses a second job of the same name, a bad cron expression or time zone, saying which. */
  register(job: JobDefinition): void {
    if (this.jobs.has(job.name)) throw new Error(`A job named ${job.name} is already registered.`);
    const problem = this.deps.cron.validate(job.cron);
    if (problem) throw new Error(`Job ${job.name}: the cron expression "${job.cron}" is not valid: ${problem}.`);
    if (!isTimeZone(job.timeZone)) throw new Error(`Job ${job.name}: "${job.timeZone}" is not a time zone (use an IANA name like Europe/Berlin).`);
    this.jobs.set(job.name, job);
    if (this.tasks.length > 0 && !this.stopped) this.schedule(job);
  }

  /** The registered jobs, in registration order. */
  list(): readonly JobDefinition[] {
    return [...this.jobs.values()];
  }

  /** The slot of `name` that `at` is in: the latest scheduled time at or before it. */
  slotOf(name: string, at: Date): Date | null {
    const job = this.job(name);
    return this.deps.cron.previousRun(job.cron, job.timeZone, at);
  }

  /**
   * Fires every job whose current slot (at `at`, by default the clock's now) has not been looked at
   * by this process: claims it, and runs it if the claim is ours. Resolves once they have finished.
   */
  async fireDue(at: Date = this.deps.clock.now()): Promise<FiringReport[]> {
    const reports = await Promise.all([...this.jobs.keys()].map((name) => this.fire(name, at)));
    return reports.filter((r): r is FiringReport => r !== null);
  }

  /** Fires one job's current slot (null when it has none, or this process already handled it). */
  async fire(name: string, at: Date = this.deps.clock.now()): Promise<FiringReport | null> {
    const job = this.job(name);
    const slot = this.deps.cron.previousRun(job.cron, job.timeZone, at);
    if (!slot || slot.getTime() <= (this.lastSlot.get(name) ?? -Infinity)) return null;
    const firing: Firing = { name, fireAt: slot };
    if (this.running.has(name)) {
      this.deps.log('job.overlapping', { job: name, fireAt: slot.toISOString(), why: 'the previous firing is still running' }, 'warn');
      return { ...firing, outcome: 'overlapping' };
    }
    this.lastSlot.set(name, slot.getTime());
    if (at.getTime() - slot.getTime() > (job.catchUpMs ?? DEFAULT_CATCH_UP_MS)) {
      this.deps.log('job.missed', { job: name, fireAt: slot.toISOString(), why: 'too late to run (Herald was not running at that time)' });
      return { ...firing, outcome: 'missed' };
    }
    const running = this.claimAndRun(job, firing).finally(() => this.running.delete(name));
    this.running.set(name, running);
    return running;
  }

  private async claimAndRun(job: JobDefinition, firing: Firing): Promise<FiringReport> {
    let won: boolean;
    try {
      won = await this.deps.claims.claim(job.name, firing.fireAt, this.deps.owner, this.deps.clock.now());
    } catch (error) {
      this.deps.log('job.claim_failed', { job: job.name, fireAt: firing.fireAt.toISOString(), error: message(error) }, 'error');
      return { ...firing, outcome: 'claim_failed', error: message(error) };
    }
    if (!won) return { ...firing, outcome: 'claimed_elsewhere' };
    try {
      await job.run(firing);
      return { ...firing, outcome: 'ran' };
    } catch (error) {
      this.deps.log('job.failed', { job: job.name, fireAt: firing.fireAt.toISOString(), error: message(error) }, 'error');
      return { ...firing, outcome: 'failed', error: message(error) };
    }
  }

  /** Production: one node-cron task per job asks `fire` at each of its times. */
  start(): void {
    this.stopped = false;
    for (const job of this.jobs.values()) this.schedule(job);
  }

  private schedule(job: JobDefinition): void {
    const task = cron.schedule(job.cron, () => this.fire(job.name).then(() => undefined), { name: job.name, timezone: job.timeZone, noOverlap: true });
    this.tasks.push(task);
  }

  /** Starts no more firings and resolves once those running have finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    await Promise.all(this.tasks.map((t) => t.stop()));
    this.tasks = [];
    await Promise.all(this.running.values());
  }

  /** The jobs running now (what a shutdown past its deadline reports). */
  busy(): string[] {
    return [...this.running.keys()];
  }

  private job(name: string): JobDefinition {
    const job = this.jobs.get(name);
    if (!job) throw new Error(`No job named ${name} is registered.`);
    return job;
  }
}

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A cron expression that fires every `seconds` (the scheduler tick): every N seconds when N divides a
 * minute, every N minutes when N is whole minutes dividing an hour, hourly for an hour; otherwise the
 * nearest shorter interval that does (7 s → every 6 s), since cron cannot count across a minute.
 */
export function everySeconds(seconds: number): string {
  const s = Math.max(1, Math.round(seconds));
  if (s < 60) return `*/${largestDivisorAtMost(60, s)} * * * * *`;
  if (s >= 3600) return '0 0 * * * *';
  return `0 */${largestDivisorAtMost(60, Math.floor(s / 60))} * * * *`;
}

function largestDivisorAtMost(n: number, limit: number): number {
  for (let d = Math.min(n, limit); d > 1; d -= 1) if (n % d === 0) return d;
  return 1;
}
