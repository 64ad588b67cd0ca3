import { PassThrough } from 'node:stream';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/adapters/db/database.js';
import { createLogger } from '../../src/adapters/logging/logger.js';
import { createCommandHandler } from '../../src/commands/handle-command.js';
import { loadConfig } from '../../src/config.js';
import { runConsole } from '../../src/console/run-console.js';
import { EMAIL_CHANNEL } from '../../src/domain/channels/channel-spec.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../../src/domain/ports/channel-provider.js';
import type { Notification } from '../../src/domain/ports/notifier.js';
import { JobRegistry, type Firing } from '../../src/jobs/job-registry.js';
import { createScheduler, heraldJobs } from '../../src/jobs/scheduler.js';
import { buildApp } from '../../src/wiring.js';
import { campaignStatus, createdId, importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

const HOUR = 3_600_000;
const LEAD_HOURS = 12;
const TICK_MS = 5000;
const BERLIN = 'Europe/Berlin';

/** Sends everything, except to `quota.example.com`, where the provider account is out of quota. */
class QuotaProvider implements ChannelProvider {
  readonly channel = 'email';
  readonly spec = EMAIL_CHANNEL;
  readonly name = 'quota-test';
  readonly sent: string[] = [];
  async send(message: OutboundMessage): Promise<SendResult> {
    if (message.to.endsWith('@quota.example.com')) return { outcome: 'permanent', category: 'account', reason: 'monthly quota exceeded' };
    this.sent.push(message.to);
    return { outcome: 'sent', providerMessageId: `<${message.messageId}@test>`, final: true };
  }
  segments(): number {
    return 1;
  }
  async close(): Promise<void> {}
}

const at = (d: Date, zone = 'UTC') => `--at "${DateTime.fromJSDate(d, { zone }).toFormat('yyyy-LL-dd HH:mm')}" --tz ${zone}`;

describe.each(ENGINES)('scheduler jobs on %s: launches, prebuild, DST, downtime policies, replicas, approval expiry, console notices', (engine) => {
  let t: TestApp;
  const provider = new QuotaProvider();
  const seen: Notification[] = [];
  let seq = 0;

  async function campaign(name: string, flags = '', domain = `${name.toLowerCase()}${seq + 1}.example.com`): Promise<number> {
    seq += 1;
    await importContacts(t, `${name}${seq}`, 'email,first_name', [`a@${domain},A`, `b@${domain},B`]);
    return createdId(await ok(t, `new --name ${name} --channel email --template Welcome --list ${name}${seq} ${flags}`));
  }
  /** A registry of Herald's jobs on the test app, fired by hand at clock times. */
  const scheduler = () => createScheduler({ delivery: t.app.delivery, claims: t.app.stores.jobClaims, owner: 'test:1:a', tickMs: TICK_MS });
  async function fireAt(jobs: JobRegistry, when: Date) {
    t.clock.set(when);
    const reports = await jobs.fireDue();
    await t.app.notifications.settled();
    return reports;
  }
  const notices = (campaignId: number) => seen.filter((n) => 'campaignId' in n && n.campaignId === campaignId);
  const moves = (campaignId: number) => notices(campaignId).flatMap((n) => ('from' in n ? [`${n.from}->${n.to}`] : []));
  const actions = async (id: number) => (await t.app.deps.campaigns.activity(id, 200)).map((a) => a.action);

  beforeAll(async () => {
    t = await createTestApp(
      engine,
      { PREBUILD_LEAD_HOURS: String(LEAD_HOURS), APPROVAL_TTL_MINUTES: '30', OVERDUE_AFTER_MINUTES: '5', SEND_BATCH_SIZE: '10', ERROR_BUDGET_MIN_ATTEMPTS: '1' },
      { providers: { email: provider }, pacer: noPacing },
    );
    t.app.notifications.subscribe((n) => void seen.push(n));
    await ok(t, 'templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com');
  });
  afterAll(async () => t?.close());

  it('a fake clock drives a scheduled launch through the registry: prebuilt at the lead time, started at the send time, completed; each move told once', async () => {
    const jobs = scheduler();
    const start = t.clock.now();
    const sendAt = new Date(start.getTime() + 2 * 24 * HOUR);
    const prebuildAt = new Date(sendAt.getTime() - LEAD_HOURS * HOUR);
    const id = await campaign('Launch');
    await ok(t, `edit C-${id} --if-late skip`);
    await ok(t, `schedule C-${id} ${at(sendAt)}`);
    expect(await ok(t, `show C-${id}`)).toMatch(/If late:\s+skip that send \(--if-late skip\)/);

    await fireAt(jobs, new Date(prebuildAt.getTime() - TICK_MS));
    expect(await campaignStatus(t, id)).toBe('scheduled');
    const reports = await fireAt(jobs, prebuildAt);
    expect(reports.find((r) => r.name === 'delivery-tick')).toMatchObject({ outcome: 'ran', fireAt: prebuildAt });
    expect(await campaignStatus(t, id)).toBe('queued');
    await fireAt(jobs, new Date(sendAt.getTime() - TICK_MS));
    expect(await campaignStatus(t, id)).toBe('queued');
    await fireAt(jobs, sendAt);
    expect(await campaignStatus(t, id)).toBe('sending');
    await t.app.worker.runOnce();
    await fireAt(jobs, new Date(sendAt.getTime() + TICK_MS));
    expect(await campaignStatus(t, id)).toBe('completed');
    expect(moves(id)).toEqual(['ready->scheduled', 'scheduled->queued', 'queued->sending', 'sending->completed']);
    expect(notices(id).every((n) => n.kind === 'campaign.status_changed')).toBe(true);
  });

  it('downtime past the send time: --if-late send sends late, skip skips (one-off stopped, recurring to its next run, its prebuilt run closed), ask holds and asks', async () => {
    const jobs = scheduler();
    const start = t.clock.now();
    const far = new Date(start.getTime() + 3 * 24 * HOUR);
    const near = new Date(start.getTime() + 24 * HOUR);
    const zoneDay = (d: Date, plusDays: number) => DateTime.fromJSDate(d, { zone: 'UTC' }).plus({ days: plusDays });
    const late = await campaign('Late');
    const skipOnce = await campaign('SkipOnce', '--if-late skip');
    const askOnce = await campaign('AskOnce', '--if-late ask');
    const skipRecurring = await campaign('SkipRecurring', '--if-late skip');
    const askPrebuilt = await campaign('AskPrebuilt', '--if-late ask');
    const skipPrebuilt = await campaign('SkipPrebuilt', '--if-late skip');
    const askPrebuiltNow = await campaign('AskPrebuiltNow', '--if-late ask');
    for (const id of [late, skipOnce, askOnce]) await ok(t, `schedule C-${id} ${at(far)}`);
    // Recurring on a day of the month inside the downtime (and, for the prebuilt one, before it).
    const recurringDay = zoneDay(far, -1);
    await ok(t, `schedule C-${skipRecurring} --cron "0 9 ${recurringDay.day} * *" --tz UTC`);
    await ok(t, `schedule C-${askPrebuilt} ${at(near)}`);
    await ok(t, `schedule C-${askPrebuiltNow} ${at(near)}`);
    const prebuiltDay = zoneDay(near, 0);
    await ok(t, `schedule C-${skipPrebuilt} --cron "0 ${prebuiltDay.hour - 1} ${prebuiltDay.day} * *" --tz UTC`);
    expect((await ok(t, `show C-${askOnce}`))).toMatch(/If late:\s+hold it and ask/);

    // Up at the prebuild time of the near ones, then down until two hours after the far send time.
    await fireAt(jobs, new Date(near.getTime() - LEAD_HOURS * HOUR + HOUR));
    expect(await campaignStatus(t, askPrebuilt)).toBe('queued');
    expect(await campaignStatus(t, skipPrebuilt)).toBe('queued');
    const back = new Date(far.getTime() + 2 * HOUR);
    await fireAt(jobs, back);

    expect(await campaignStatus(t, late)).toBe('sending');
    expect(await campaignStatus(t, skipOnce)).toBe('stopped');
    expect(await campaignStatus(t, askOnce)).toBe('suspended');
    expect(await campaignStatus(t, askPrebuilt)).toBe('suspended');
    expect(await campaignStatus(t, skipRecurring)).toBe('scheduled');
    expect(await campaignStatus(t, skipPrebuilt)).toBe('scheduled');
    const next = (await t.app.deps.campaigns.get(skipRecurring))!.nextRunAt!;
    expect(next.getTime()).toBeGreaterThan(back.getTime());
    expect(DateTime.fromJSDate(next, { zone: 'UTC' }).day).toBe(recurringDay.day);
    // The skipped prebuilt run is closed, never started, and nothing of it was sent.
    const runs = await t.db.prisma.run.findMany({ where: { campaignId: skipPrebuilt } });
    expect(runs.map((r) => r.status)).toEqual(['stopped']);
    expect(provider.sent.filter((to) => to.includes(`skipprebuilt`))).toEqual([]);

    const overdue = (id: number) => notices(id).filter((n) => n.kind === 'campaign.overdue').map((n) => (n.kind === 'campaign.overdue' ? n.outcome : ''));
    expect(overdue(late)).toEqual(['sent_late']);
    expect(overdue(skipOnce)).toEqual(['missed']);
    expect(overdue(skipRecurring)).toEqual(['skipped']);
    expect(overdue(askOnce)).toEqual(['held']);
    expect(overdue(askPrebuilt)).toEqual(['held']);
    // The hold is told once, as the question: not also as a suspension alert.
    expect(notices(askOnce).filter((n) => n.kind === 'campaign.suspended')).toEqual([]);
    expect(await actions(skipOnce)).toContain('skip_late');
    expect((await ok(t, `show C-${askOnce}`))).toMatch(/Waiting for a decision/);

    // The decisions: --skip only for a held send; resume sends now; resume --skip skips.
    await ok(t, `pause C-${skipRecurring}`);
    expect((await t.run(`resume C-${skipRecurring} --skip`)).text).toMatch(/Skipping is only for a send held as overdue/);
    await ok(t, `resume C-${skipRecurring}`);
    await ok(t, `resume C-${askOnce}`);
    await ok(t, `resume C-${askPrebuilt} --skip`);
    await ok(t, `resume C-${askPrebuiltNow}`);
    expect(await campaignStatus(t, askPrebuiltNow)).toBe('queued');
    expect(await campaignStatus(t, askPrebuilt)).toBe('stopped');
    await fireAt(jobs, new Date(back.getTime() + TICK_MS));
    expect(await campaignStatus(t, askOnce)).toBe('sending');
    // Prebuilt before the downtime, held, then sent now: its run starts, not held again.
    expect(await campaignStatus(t, askPrebuiltNow)).toBe('sending');
    expect(overdue(askPrebuiltNow)).toEqual(['held']);
    // Sent late once decided, and not held again.
    expect(overdue(askOnce)).toEqual(['held']);
    await t.app.worker.drain();
    expect(await campaignStatus(t, askOnce)).toBe('completed');
  });

  it('two schedulers (two apps, two database connections) fire each job once per slot over a sequence of firings, and prebuild once', async () => {
    const second = await openDatabase({ databaseUrl: t.db.url, poolSize: 2 });
    const other = await buildApp(loadConfig({ ACCOUNT_TIME_ZONE: 'UTC', HERALD_DATA_DIR: t.dataDir, PREBUILD_LEAD_HOURS: String(LEAD_HOURS) }), {
      database: second,
      clock: t.clock,
      providers: { email: provider },
      pacer: noPacing,
      log: () => {},
      logger: createLogger({ level: 'silent' }),
    });
    try {
      const runs = new Map<string, number>();
      const counted = (app: typeof other, owner: string) => {
        const r = new JobRegistry({ clock: t.clock, cron: app.deps.cron, claims: app.stores.jobClaims, owner, log: () => {} });
        for (const job of heraldJobs({ delivery: app.delivery, claims: app.stores.jobClaims, owner, tickMs: TICK_MS })) {
          r.register({
            ...job,
            run: async (f: Firing) => {
              const key = `${f.name}@${f.fireAt.toISOString()}`;
              runs.set(key, (runs.get(key) ?? 0) + 1);
              return job.run(f);
            },
          });
        }
        return r;
      };
      const a = counted(t.app, 'replica-a:1:x');
      const b = counted(other, 'replica-b:2:y');
      const id = await campaign('Replicas');
      // From a minute before the prebuild time, 30 firings 5 s apart, on both replicas at once.
      const from = new Date(Math.ceil((t.clock.now().getTime() + 10 * 60_000) / 60_000) * 60_000);
      const sendAt = new Date(from.getTime() + LEAD_HOURS * HOUR + 60_000);
      await ok(t, `schedule C-${id} ${at(sendAt)}`);
      t.clock.set(from);
      for (let i = 0; i < 30; i++) {
        await Promise.all([a.fireDue(), b.fireDue()]);
        t.clock.advance(TICK_MS);
      }
      expect([...runs.values()].every((n) => n === 1)).toBe(true);
      expect([...runs.keys()].filter((k) => k.startsWith('delivery-tick@'))).toHaveLength(30);
      expect([...runs.keys()].filter((k) => k.startsWith('approval-expiry@'))).toHaveLength(3);
      const rows = await t.db.prisma.jobLock.findMany({ where: { fireAt: { gte: new Date(sendAt.getTime() - LEAD_HOURS * HOUR - 120_000) } } });
      expect(rows).toHaveLength(runs.size);
      expect(await campaignStatus(t, id)).toBe('queued');
      expect((await actions(id)).filter((x) => x === 'prebuild')).toHaveLength(1);
    } finally {
      await other.close();
      await second.close();
    }
  });

  it('the approval-expiry job closes a request nobody decided, writes it in the activity log and tells it', async () => {
    const jobs = scheduler();
    const id = await campaign('Expiring');
    await ok(t, `run C-${id}`);
    await fireAt(jobs, new Date(t.clock.now().getTime() + TICK_MS));
    expect(await campaignStatus(t, id)).toBe('sending');
    const asked = await ok(t, `cancel C-${id} --confirm C-${id}`);
    const approvalId = Number(/A-(\d+)/.exec(asked)![1]);
    await t.app.notifications.settled();
    expect(notices(id).map((n) => n.kind)).toContain('approval.requested');
    await fireAt(jobs, new Date(t.clock.now().getTime() + 29 * 60_000));
    expect((await t.app.deps.approvals.get(approvalId))!.status).toBe('pending');
    await fireAt(jobs, new Date(t.clock.now().getTime() + 2 * 60_000));
    expect((await t.app.deps.approvals.get(approvalId))!.status).toBe('expired');
    expect(notices(id).filter((n) => n.kind === 'approval.expired')).toHaveLength(1);
    expect(await actions(id)).toContain('cancel_request_expired');
    await t.app.worker.drain();
  });

  it('the console prints a notification line for a status change and for a suspension, between replies', async () => {
    const id = await campaign('Quota', '', 'quota.example.com');
    const input = new PassThrough();
    const output = new PassThrough();
    let text = '';
    output.on('data', (chunk: Buffer) => (text += chunk.toString('utf8')));
    const handler = createCommandHandler(t.app, { error: () => {} });
    let replied!: () => void;
    const firstReply = new Promise<void>((resolve) => (replied = resolve));
    const done = runConsole({
      input,
      output,
      handle: async (line, actor) => {
        const reply = await handler(line, actor);
        replied();
        return reply;
      },
      actor: { id: 'carol' },
      banner: '',
      notifications: { subscribe: (l) => t.app.notifications.subscribe(l), settled: () => t.app.notifications.settled(), timeZone: BERLIN },
    });
    input.write(`/campaign run C-${id}\n`);
    await firstReply;
    await t.app.notifications.settled();
    await until(() => text.includes(`ready → queued by carol`), () => text);
    // The reply comes first, its notification after it.
    expect(text.indexOf('(Actions now:')).toBeGreaterThan(0);
    expect(text.indexOf('(Actions now:')).toBeLessThan(text.indexOf('ready → queued'));
    // The tick starts it; the provider is out of quota: the engine suspends it, the console says so.
    await fireAt(scheduler(), new Date(t.clock.now().getTime() + TICK_MS));
    await t.app.worker.runOnce();
    await t.app.notifications.settled();
    expect(text).toMatch(new RegExp(`\\] ALERT C-${id} "Quota" was suspended \\(it was sending\\): provider problem — quota-test: monthly quota exceeded`));
    expect(text).toContain(`/campaign resume C-${id}`);
    input.end();
    expect(await done).toBe(0);
    // One line each.
    expect(text.split('\n').filter((l) => l.includes(`C-${id} "Quota"`))).toHaveLength(3);
  });

  it('keeps a recurring campaign at 09:00 Berlin across the spring DST change of the clock’s next year', async () => {
    const jobs = scheduler();
    const year = DateTime.fromJSDate(t.clock.now(), { zone: BERLIN }).year + 1;
    const endOfMarch = DateTime.fromObject({ year, month: 3, day: 31 }, { zone: BERLIN });
    const sunday = endOfMarch.minus({ days: endOfMarch.weekday % 7 });
    t.clock.set(sunday.minus({ days: 1 }).set({ hour: 12 }).toJSDate());
    const id = await campaign('Spring');
    await ok(t, `schedule C-${id} --cron "0 9 * * *" --tz ${BERLIN}`);
    const first = (await t.app.deps.campaigns.get(id))!.nextRunAt!;
    // 09:00 in Berlin is 07:00 UTC once summer time has begun (it was 08:00 the day before).
    expect(first.toISOString()).toBe(`${sunday.toISODate()}T07:00:00.000Z`);
    await fireAt(jobs, new Date(first.getTime() - LEAD_HOURS * HOUR));
    expect(await campaignStatus(t, id)).toBe('queued');
    await fireAt(jobs, new Date(first.getTime() - TICK_MS));
    expect(await campaignStatus(t, id)).toBe('queued');
    await fireAt(jobs, first);
    expect(await campaignStatus(t, id)).toBe('sending');
    await t.app.worker.runOnce();
    await fireAt(jobs, new Date(first.getTime() + TICK_MS));
    const after = (await t.app.deps.campaigns.get(id))!;
    expect(after.status).toBe('scheduled');
    expect(after.nextRunAt!.toISOString()).toBe(`${sunday.plus({ days: 1 }).toISODate()}T07:00:00.000Z`);
  });
});

/** Waits (on the event loop, never on the wall clock's timers) until `check` holds. */
async function until(check: () => boolean, seen: () => string): Promise<void> {
  for (let i = 0; i < 10_000 && !check(); i++) await new Promise<void>((resolve) => setImmediate(resolve));
  if (!check()) throw new Error(`condition never held; output so far:\n${seen()}`);
}
