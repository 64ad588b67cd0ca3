import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EMAIL_CHANNEL } from '../../src/domain/channels/channel-spec.js';
import { deliveryTick, type TickReport } from '../../src/domain/delivery/delivery-tick.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../../src/domain/ports/channel-provider.js';
import { campaignStatus, createdId, importContacts, noPacing, ok } from '../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../support/test-app.js';
import { ENGINES } from '../support/test-database.js';

const HOUR = 3_600_000;
const LEAD_HOURS = 12;
const TTL_MINUTES = 30;

/** Counts what it is asked to send, per recipient: the "nobody twice" check for the tick. */
class CountingProvider implements ChannelProvider {
  readonly channel = 'email';
  readonly spec = EMAIL_CHANNEL;
  readonly name = 'counting';
  readonly sent = new Map<string, number>();
  async send(message: OutboundMessage): Promise<SendResult> {
    this.sent.set(message.to, (this.sent.get(message.to) ?? 0) + 1);
    return { outcome: 'sent', providerMessageId: `<${message.messageId}@test>`, final: true };
  }
  segments(): number {
    return 1;
  }
  async close(): Promise<void> {}
}

/** `--at` for an instant, in UTC. */
const at = (d: Date) => `--at "${d.toISOString().slice(0, 16).replace("T", " ")}" --tz UTC`;

describe.each(ENGINES)('time-driven rules on %s: the scheduler tick, resuming after the send time, approval expiry', (engine) => {
  let t: TestApp;
  const provider = new CountingProvider();
  let seq = 0;

  /** A ready one-off campaign on its own two-recipient list; returns its id and the list's domain. */
  async function campaign(name: string): Promise<{ id: number; domain: string }> {
    const domain = `${name.toLowerCase()}${++seq}.example.com`;
    await importContacts(t, `${name}${seq}`, 'email,first_name', [`a@${domain},A`, `b@${domain},B`]);
    const id = createdId(await ok(t, `new --name ${name} --channel email --template Welcome --list ${name}${seq}`));
    return { id, domain };
  }
  const actions = async (id: number, action: string) => (await t.app.deps.campaigns.activity(id, 200)).filter((a) => a.action === action);
  const messageCount = async (id: number) => Object.values(await t.app.deps.campaigns.messageCounts(id)).reduce((a, b) => a + b, 0);
  const runsOf = (reports: TickReport[], key: 'prebuilt' | 'started' | 'completed', id: number) => reports.filter((r) => r[key].includes(id)).length;

  beforeAll(async () => {
    t = await createTestApp(engine, { PREBUILD_LEAD_HOURS: String(LEAD_HOURS), APPROVAL_TTL_MINUTES: String(TTL_MINUTES), SEND_BATCH_SIZE: '10' }, { providers: { email: provider }, pacer: noPacing });
    await ok(t, 'templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com');
  });
  afterAll(async () => t?.close());

  it('the tick prebuilds at the lead time and starts at the send time, each once, run twice in a row or two at once', async () => {
    const start = t.clock.now();
    const sendAt = new Date(start.getTime() + 2 * 24 * HOUR);
    const prebuildAt = new Date(sendAt.getTime() - LEAD_HOURS * HOUR);
    const a = await campaign('Tick');
    const b = await campaign('Twin');
    await ok(t, `schedule C-${a.id} ${at(sendAt)}`);
    await ok(t, `schedule C-${b.id} ${at(sendAt)}`);

    // A second before the lead time: nothing is due.
    t.clock.set(new Date(prebuildAt.getTime() - 1000));
    expect((await deliveryTick(t.app.delivery)).prebuilt).toEqual([]);
    expect(await campaignStatus(t, a.id)).toBe('scheduled');

    // At the lead time: prebuilt, template locked, the ledger written once, whether ticks run one after
    // the other (a) or at the same moment on two replicas (b).
    t.clock.set(prebuildAt);
    const inTurn = [await deliveryTick(t.app.delivery), await deliveryTick(t.app.delivery)];
    const atOnce = await Promise.all([deliveryTick(t.app.delivery), deliveryTick(t.app.delivery)]);
    for (const { id } of [a, b]) {
      expect(await campaignStatus(t, id)).toBe('queued');
      expect(await messageCount(id)).toBe(2);
      expect(await actions(id, 'prebuild')).toHaveLength(1);
    }
    expect(runsOf(inTurn, 'prebuilt', a.id)).toBe(1);
    expect(runsOf([...inTurn, ...atOnce], 'prebuilt', b.id)).toBe(1);
    expect((await t.run(`edit C-${a.id} --name Renamed`)).text).toMatch(/locked when it was queued/);

    // Queued is not sending: a second before the send time nothing starts and the worker claims nothing.
    t.clock.set(new Date(sendAt.getTime() - 1000));
    expect((await deliveryTick(t.app.delivery)).started).toEqual([]);
    expect(await t.app.worker.runOnce()).toBe(0);

    // At the send time: started once each, in turn or at once.
    t.clock.set(sendAt);
    const startedInTurn = [await deliveryTick(t.app.delivery), await deliveryTick(t.app.delivery)];
    const startedAtOnce = await Promise.all([deliveryTick(t.app.delivery), deliveryTick(t.app.delivery), deliveryTick(t.app.delivery)]);
    expect(runsOf([...startedInTurn, ...startedAtOnce], 'started', a.id)).toBe(1);
    expect(runsOf([...startedInTurn, ...startedAtOnce], 'started', b.id)).toBe(1);
    for (const { id } of [a, b]) {
      expect(await campaignStatus(t, id)).toBe('sending');
      expect(await actions(id, 'start_sending')).toHaveLength(1);
    }

    // Sent, then completed once, however many ticks see the finished run.
    while ((await t.app.worker.runOnce()) > 0);
    const finished = await Promise.all([deliveryTick(t.app.delivery), deliveryTick(t.app.delivery)]);
    finished.push(await deliveryTick(t.app.delivery));
    for (const { id, domain } of [a, b]) {
      expect(runsOf(finished, 'completed', id)).toBe(1);
      expect(await campaignStatus(t, id)).toBe('completed');
      expect(await actions(id, 'complete')).toHaveLength(1);
      expect(await t.app.deps.campaigns.messageCounts(id)).toEqual({ delivered: 2 });
      expect([provider.sent.get(`a@${domain}`), provider.sent.get(`b@${domain}`)]).toEqual([1, 1]);
    }
  });

  describe('a one-off campaign paused before its send time and resumed after it becomes stopped, not sent late', () => {
    it('paused while scheduled', async () => {
      const { id } = await campaign('Held');
      const sendAt = new Date(t.clock.now().getTime() + 3 * 24 * HOUR);
      await ok(t, `schedule C-${id} ${at(sendAt)}`);
      await ok(t, `pause C-${id} --reason "legal review"`);
      t.clock.set(new Date(sendAt.getTime() + 60_000));
      await deliveryTick(t.app.delivery);
      expect(await campaignStatus(t, id)).toBe('paused');

      const resumed = await ok(t, `resume C-${id}`);
      expect(resumed).toMatch(/Status:\s+stopped/);
      expect(resumed).toMatch(/passed while C-\d+ was paused, so it was not sent late/);
      await t.app.worker.drain();
      expect(await campaignStatus(t, id)).toBe('stopped');
      expect(await messageCount(id)).toBe(0);
    });

    it('paused after its prebuild (queued, template locked)', async () => {
      const { id, domain } = await campaign('Built');
      const sendAt = new Date(t.clock.now().getTime() + 3 * 24 * HOUR);
      await ok(t, `schedule C-${id} ${at(sendAt)}`);
      t.clock.set(new Date(sendAt.getTime() - HOUR));
      await deliveryTick(t.app.delivery);
      expect(await campaignStatus(t, id)).toBe('queued');
      await ok(t, `pause C-${id}`);
      t.clock.set(new Date(sendAt.getTime() + 2 * HOUR));

      const resumed = await ok(t, `resume C-${id}`);
      expect(resumed).toMatch(/Status:\s+stopped/);
      expect(resumed).toMatch(/was not sent late/);
      await t.app.worker.drain();
      expect(await campaignStatus(t, id)).toBe('stopped');
      expect(provider.sent.get(`a@${domain}`)).toBeUndefined();
      expect(await t.app.deps.campaigns.messageCounts(id)).not.toHaveProperty('delivered');
    });

    it('resumed before its send time, it goes back to waiting and sends on time', async () => {
      const { id, domain } = await campaign('Ontime');
      const sendAt = new Date(t.clock.now().getTime() + 3 * 24 * HOUR);
      await ok(t, `schedule C-${id} ${at(sendAt)}`);
      t.clock.set(new Date(sendAt.getTime() - HOUR));
      await deliveryTick(t.app.delivery);
      await ok(t, `pause C-${id}`);
      t.clock.set(new Date(sendAt.getTime() - 60_000));
      expect(await ok(t, `resume C-${id}`)).toMatch(/Status:\s+queued/);
      t.clock.set(sendAt);
      await t.app.worker.drain();
      expect(await campaignStatus(t, id)).toBe('completed');
      expect(provider.sent.get(`a@${domain}`)).toBe(1);
    });
  });

  it(`a cancel approval of a sending campaign cannot be approved once APPROVAL_TTL_MINUTES (${TTL_MINUTES}) have passed, and says it expired`, async () => {
    const { id } = await campaign('Live');
    await ok(t, `run C-${id}`);
    await deliveryTick(t.app.delivery);
    expect(await campaignStatus(t, id)).toBe('sending');
    const asked = await t.run(`cancel C-${id} --confirm C-${id} --reason "wrong list"`, 'alice');
    const first = Number(/Approval A-(\d+) is waiting/.exec(asked.text)![1]);
    const requestedAt = t.clock.now();

    // Still open a minute before it expires (asking again points at the same request).
    t.clock.set(new Date(requestedAt.getTime() + (TTL_MINUTES - 1) * 60_000));
    expect((await t.run(`cancel C-${id} --confirm C-${id}`, 'alice')).text).toContain(`A-${first}`);

    // Past the time to live nobody can approve (or deny) it, and the reply says why.
    t.clock.set(new Date(requestedAt.getTime() + TTL_MINUTES * 60_000 + 1000));
    const late = await t.run(`approve A-${first}`, 'bob');
    expect(late.ok).toBe(false);
    expect(late.text).toMatch(new RegExp(`A-${first} expired`));
    expect(late.text).toMatch(/ask for the cancel again/);
    const denied = await t.run(`deny A-${first}`, 'carol');
    expect(denied.ok).toBe(false);
    expect(denied.text).toMatch(/expired/);
    expect(await campaignStatus(t, id)).toBe('sending');
    expect(await t.app.deps.approvals.get(first)).toMatchObject({ status: 'expired', decidedBy: null });
    expect(await actions(id, 'cancel')).toHaveLength(0);

    // Asking again opens a new request, which an approver can approve.
    const again = await t.run(`cancel C-${id} --confirm C-${id}`, 'alice');
    const second = Number(/Approval A-(\d+) is waiting/.exec(again.text)![1]);
    expect(second).not.toBe(first);
    const approved = await t.run(`approve A-${second}`, 'bob');
    expect(approved.ok, approved.text).toBe(true);
    expect(await campaignStatus(t, id)).toBe('cancelled');
    expect(await actions(id, 'cancel_requested')).toHaveLength(2);
  });
});
