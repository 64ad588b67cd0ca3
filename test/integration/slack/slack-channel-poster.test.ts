import { LogLevel, webApi } from '@slack/bolt';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SlackChannelPoster } from '../../../src/slack/channels/slack-channel-poster.js';
import { FakeSlackApi } from '../../fakes/slack-api-server.js';
import { ManualTimer } from '../../fakes/manual-timer.js';

const message = (text: string) => ({ text, blocks: [{ type: 'section' as const, text: { type: 'mrkdwn' as const, text } }] });

/** Lets the poster's loops and the HTTP round trips run until `done` holds (event-loop turns, no wall-clock sleep). */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 10_000 && !done(); i += 1) await new Promise((r) => setImmediate(r));
  expect(done()).toBe(true);
}

describe('SlackChannelPoster against the Slack API fake', () => {
  const slack = new FakeSlackApi();
  let client: webApi.WebClient;
  let timer: ManualTimer;
  let poster: SlackChannelPoster;
  const logged: { message: string; context?: Record<string, unknown> }[] = [];

  beforeAll(async () => {
    await slack.start();
    // As Bolt's client in slack-app.ts: a 429 is handed back, never waited out inside the client.
    client = new webApi.WebClient(undefined, { slackApiUrl: slack.apiUrl, rejectRateLimitedCalls: true, retryConfig: { retries: 0 }, logLevel: LogLevel.ERROR });
  });
  afterAll(() => slack.stop());
  beforeEach(() => {
    slack.clear();
    logged.length = 0;
    timer = new ManualTimer();
    const log = (m: string, c?: Record<string, unknown>) => void logged.push({ message: m, ...(c ? { context: c } : {}) });
    poster = new SlackChannelPoster({ client, token: 'xoxb-test', logger: { info: log, warn: log }, timer });
  });

  it('folds many updates of one card into few chat.update calls, and the last content wins', async () => {
    const card = await poster.post('CACT', message('v0'));
    expect(card).not.toBeNull();
    // Paced one call a second in the channel: a burst of updates waiting for the next slot is one call.
    const burst = Array.from({ length: 30 }, (_, i) => poster.update(card!, message(`v${i + 1}`)));
    await until(() => timer.waiting > 0);
    timer.advance(1000);
    expect(await Promise.all(burst)).toEqual(Array(30).fill(true));
    const more = Array.from({ length: 10 }, (_, i) => poster.update(card!, message(`w${i + 1}`)));
    await until(() => timer.waiting > 0);
    timer.advance(1000);
    expect(await Promise.all(more)).toEqual(Array(10).fill(true));
    await poster.drain();
    const updates = slack.callsOf('chat.update');
    expect(updates.map((u) => u.body.text)).toEqual(['v30', 'w10']);
    expect(updates.every((u) => u.body.ts === card!.ts)).toBe(true);
  });

  it('a 429 in one channel waits out its Retry-After there only: a post to another channel goes at once', async () => {
    slack.rateLimit('chat.postMessage', { channel: 'CSLOW', retryAfter: 30 });
    const slow = poster.post('CSLOW', message('held back'));
    await until(() => slack.calls.some((c) => c.rateLimited));
    const fast = await poster.post('CFAST', message('not held'));
    expect(fast?.channel).toBe('CFAST');
    // The held channel has not been tried again: its Retry-After (30 s on the timer) has not passed.
    expect(slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'CSLOW')).toHaveLength(1);
    timer.advance(29_000);
    await new Promise((r) => setImmediate(r));
    expect(slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'CSLOW')).toHaveLength(1);
    timer.advance(1_000);
    const posted = await slow;
    expect(posted?.channel).toBe('CSLOW');
    const tries = slack.callsOf('chat.postMessage').filter((c) => c.body.channel === 'CSLOW');
    expect(tries.map((c) => Boolean(c.rateLimited))).toEqual([true, false]);
  });

  it('an update rate-limited while a newer one waits sends only the newer content', async () => {
    const card = (await poster.post('CACT', message('v0')))!;
    timer.advance(1000);
    slack.rateLimit('chat.update', { channel: 'CACT', retryAfter: 5 });
    const first = poster.update(card, message('v1'));
    await until(() => slack.calls.some((c) => c.rateLimited));
    const second = poster.update(card, message('v2'));
    await until(() => timer.waiting > 0);
    timer.advance(5000);
    expect(await Promise.all([first, second])).toEqual([true, true]);
    const sent = slack.callsOf('chat.update').filter((c) => !c.rateLimited);
    expect(sent.map((c) => c.body.text)).toEqual(['v2']);
  });

  it('chat.update shares one tier-3 window across channels', async () => {
    poster = new SlackChannelPoster({ client, token: 'xoxb-test', logger: { info: () => {}, warn: () => {} }, timer, updatesPerWindow: 2, updateWindowMs: 60_000 });
    const answers = ['C1', 'C2', 'C3'].map((channel) => poster.update({ channel, ts: '1.1' }, message(channel)));
    await until(() => slack.callsOf('chat.update').length === 2 && timer.waiting > 0);
    timer.advance(59_999);
    await new Promise((r) => setImmediate(r));
    expect(slack.callsOf('chat.update')).toHaveLength(2);
    timer.advance(1);
    expect(await Promise.all(answers)).toEqual([true, true, true]);
    expect(slack.callsOf('chat.update')).toHaveLength(3);
  });

  it('a deleted message answers false to an update and null to a reply in its thread, logged, never thrown', async () => {
    const card = (await poster.post('CACT', message('parent')))!;
    slack.deleteMessage('CACT', card.ts);
    const updated = poster.update(card, message('again'));
    await until(() => timer.waiting > 0);
    timer.advance(1000);
    expect(await updated).toBe(false);
    const reply = poster.post('CACT', message('reply'), { threadTs: card.ts });
    await until(() => timer.waiting > 0);
    timer.advance(1000);
    expect(await reply).toBeNull();
    expect(logged.map((l) => l.context?.error)).toEqual(['message_not_found', 'thread_not_found']);
  });
});
