import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { deliveryTick } from '../../../src/domain/delivery/delivery-tick.js';
import { ActivityThreads } from '../../../src/slack/channels/activity-threads.js';
import { campaignStatus, createdId, importContacts, ok } from '../../support/delivery-fixtures.js';
import { assertPostable } from '../../support/block-kit-limits.js';
import { createSlackHarness, USERS, type SlackHarness } from './slack-harness.js';

const ACTIVITY = 'CACTIVITY';

describe('the activity thread of a campaign, through the real Bolt app and the Slack API fake', () => {
  let h: SlackHarness;

  const must = (line: string, actor: string = USERS.marketer) => ok(h.t, line, actor);
  async function newCampaign(name: string): Promise<number> {
    const out = await must(`new --name "${name}" --channel email --template Welcome --list Crowd`);
    return createdId(out);
  }
  /** Everything told so far has been posted (written to the outbox, relayed, posted). */
  const settled = () => h.edge.settled();
  const posts = () => h.slack.callsOf('chat.postMessage').filter((c) => c.body.channel === ACTIVITY);
  const parents = () => posts().filter((c) => !c.body.thread_ts);
  const replies = (ts: string) => posts().filter((c) => c.body.thread_ts === ts).map((c) => String(c.body.text));
  const updatesOf = (ts: string) => h.slack.callsOf('chat.update').filter((c) => c.body.channel === ACTIVITY && c.body.ts === ts);

  beforeAll(async () => {
    h = await createSlackHarness('embedded', {
      env: { SEND_BATCH_SIZE: '10', EMAIL_RATE_PER_SECOND: '1000' },
      slack: { activityChannel: ACTIVITY },
      // No pacing between calls here: the poster's pacing has its own test against a hand-moved timer.
      edge: { poster: { channelIntervalMs: 0 } },
    });
    await must('templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}" --from-email news@example.com');
    await importContacts(h.t, 'Crowd', 'email,first_name', ['a@crowd.example.com,A', 'b@crowd.example.com,B', 'c@crowd.example.com,C']);
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => h.slack.clear());

  it('launching from Slack posts one live card, replies each step in its thread, and edits the card to completed', async () => {
    const id = await newCampaign('Winter sale');
    await settled();
    h.slack.clear();
    expect((await h.command(`run C-${id}`)).status).toBe(200);
    await settled();
    expect(parents()).toHaveLength(1);
    const parentCall = parents()[0]!;
    const thread = (await h.t.app.stores.channelThreads.get(id, 'activity'))!;
    expect(thread.channel).toBe(ACTIVITY);
    expect(thread.ts).toMatch(/^\d+\.\d+$/);
    expect(String(parentCall.body.text)).toContain(`C-${id}`);

    await deliveryTick(h.t.app.delivery);
    await settled();
    await h.t.app.worker.drain();
    await deliveryTick(h.t.app.delivery);
    await settled();
    expect(await campaignStatus(h.t, id)).toBe('completed');

    const said = replies(thread.ts!);
    expect(said.some((t) => /launched it: audience built, template locked/.test(t))).toBe(true);
    expect(said.some((t) => /Herald started sending \(queued → sending\)/.test(t))).toBe(true);
    expect(said.some((t) => /Herald finished sending \(sending → completed\)/.test(t))).toBe(true);
    // Each entry once, in the log's order.
    expect(new Set(said).size).toBe(said.length);
    expect(said.findIndex((t) => /started sending/.test(t))).toBeLessThan(said.findIndex((t) => /finished sending/.test(t)));
    const finished = posts().find((c) => c.body.thread_ts === thread.ts && /finished sending/.test(String(c.body.text)))!;
    expect(JSON.stringify(finished.body.blocks)).toMatch(/Finished:\* 3 messages — 3 delivered \(100%\)/);

    // Still one parent, edited in place to the campaign's last status.
    expect(parents()).toHaveLength(1);
    const last = updatesOf(thread.ts!).at(-1)!;
    expect(String(last.body.text)).toMatch(new RegExp(`^C-${id} "Winter sale": completed, 3 of 3 done`));
    expect(JSON.stringify(last.body.blocks)).toContain('100%');
    for (const call of [...posts(), ...h.slack.callsOf('chat.update')]) assertPostable(call.body);
  });

  it('while sending, the periodic refresh edits the card as time passes, and sends nothing when nothing changed', async () => {
    const id = await newCampaign('Autumn sale');
    await must(`run C-${id}`);
    await deliveryTick(h.t.app.delivery);
    await settled();
    const thread = (await h.t.app.stores.channelThreads.get(id, 'activity'))!;
    const activity = h.edge.activity!;
    await activity.refreshSending();
    await h.edge.poster.drain();
    const before = updatesOf(thread.ts!).length;
    // Same counts, same time: the card is not sent again.
    await activity.refreshSending();
    await h.edge.poster.drain();
    expect(updatesOf(thread.ts!)).toHaveLength(before);
    // Ten seconds later the card is drawn again (its time moved), still sending with its rate line.
    h.t.clock.advance(10_000);
    await activity.refreshSending();
    await h.edge.poster.drain();
    expect(updatesOf(thread.ts!)).toHaveLength(before + 1);
    const card = updatesOf(thread.ts!).at(-1)!;
    expect(String(card.body.text)).toContain('sending, 0 of 3 done');
    expect(JSON.stringify(card.body.blocks)).toContain('*Rate:* 0 messages/s');
    assertPostable(card.body);
    await h.t.app.worker.drain();
    await deliveryTick(h.t.app.delivery);
    await settled();
    expect(String(updatesOf(thread.ts!).at(-1)!.body.text)).toContain('completed');
  });

  it('a deleted card is posted again in a new thread, and the stored thread follows it', async () => {
    const id = await newCampaign('Spring sale');
    await must(`run C-${id}`);
    await settled();
    const first = (await h.t.app.stores.channelThreads.get(id, 'activity'))!;
    h.slack.deleteMessage(ACTIVITY, first.ts!);
    await deliveryTick(h.t.app.delivery);
    await settled();
    expect(await campaignStatus(h.t, id)).toBe('sending');
    const again = (await h.t.app.stores.channelThreads.get(id, 'activity'))!;
    expect(again.ts).not.toBe(first.ts);
    expect(parents().map((c) => String(c.body.text)).filter((t) => t.startsWith(`C-${id} `))).toHaveLength(2);
    const said = replies(again.ts!);
    expect(said[0]).toMatch(/A new thread for C-\d+: the previous card was deleted/);
    expect(said.some((t) => /started sending/.test(t))).toBe(true);
    await h.t.app.worker.drain();
    await deliveryTick(h.t.app.delivery);
    await settled();
  });

  it('two replicas following the same campaign post one parent and reply each entry once; a restart edits the stored card', async () => {
    const id = await newCampaign('Shared');
    await settled();
    h.slack.clear();
    // Two "replicas": followers with their own memory and owner, one store and one Slack.
    const replica = (owner: string) =>
      new ActivityThreads({ poster: h.edge.poster, threads: h.t.app.stores.channelThreads, campaigns: h.t.app.deps.campaigns, clock: h.t.clock, zone: 'UTC', channel: ACTIVITY, owner, logger: { info: () => {}, warn: () => {} } });
    const a = replica('host-a:1:aaa');
    const b = replica('host-b:2:bbb');
    await Promise.all([a.follow(id), b.follow(id), a.follow(id), b.follow(id)]);
    await h.edge.poster.drain();
    expect(parents().filter((c) => String(c.body.text).startsWith(`C-${id} `))).toHaveLength(1);
    const thread = (await h.t.app.stores.channelThreads.get(id, 'activity'))!;
    const said = replies(thread.ts!);
    expect(said.filter((t) => /created it/.test(t))).toHaveLength(1);

    await must(`run C-${id}`);
    await settled();
    const restarted = replica('host-a:3:ccc');
    await restarted.follow(id);
    await h.edge.poster.drain();
    expect(parents().filter((c) => String(c.body.text).startsWith(`C-${id} `))).toHaveLength(1);
    expect(updatesOf(thread.ts!).length).toBeGreaterThan(0);
  });
});
