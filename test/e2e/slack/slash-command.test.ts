import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { form } from '../../fakes/slack-signing.js';
import { createSlackHarness, USERS, type SlackHarness } from './slack-harness.js';

describe('/campaign through the real Bolt app over HTTP', () => {
  let h: SlackHarness;
  let campaignRef: string;

  beforeAll(async () => {
    h = await createSlackHarness();
    await h.t.run('contacts import test/fixtures/contacts-tour.csv --list Newsletter');
    await h.t.run('templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello" --from-email news@example.com');
  });
  afterAll(() => h.close());

  it('answers help privately, with a text fallback, within Block Kit limits', async () => {
    const { status, responseUrl } = await h.command('help');
    expect(status).toBe(200);
    const [answer] = h.slack.responsesTo(responseUrl);
    expect(answer?.body.response_type).toBe('ephemeral');
    expect(answer?.body.text).toMatch(/subcommand/i);
    expect(answer?.body.blocks.length).toBeGreaterThan(0);
    expect(answer?.body.blocks.length).toBeLessThanOrEqual(50);
    for (const b of answer!.body.blocks) if (b.type === 'section' && b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
  });

  it('creates a campaign in channel with a card whose buttons follow its status', async () => {
    const { responseUrl } = await h.command('new --name "Winter sale" --channel email --template Welcome --list Newsletter');
    const [answer] = h.slack.responsesTo(responseUrl);
    expect(answer?.body.response_type).toBe('in_channel');
    campaignRef = /C-\d+/.exec(answer!.body.text)![0];
    const actions = answer!.body.blocks.find((b: any) => b.type === 'actions');
    const ids = actions.elements.map((e: any) => e.action_id);
    expect(ids).toEqual(expect.arrayContaining(['campaign_edit', 'campaign_run', 'campaign_clone']));
    expect(ids).not.toContain('campaign_pause');
    expect(actions.elements.every((e: any) => e.value === campaignRef.slice(2))).toBe(true);
  });

  it('shows a campaign privately and pauses a scheduled one in channel', async () => {
    await h.t.run(`schedule ${campaignRef} --at "2026-12-01 09:00" --tz UTC`);
    const shown = await h.command(`show ${campaignRef}`, USERS.viewer);
    const [card] = h.slack.responsesTo(shown.responseUrl);
    expect(card?.body.response_type).toBe('ephemeral');
    expect(JSON.stringify(card?.body.blocks)).toContain('scheduled');
    const paused = await h.command(`pause ${campaignRef}`);
    const [answer] = h.slack.responsesTo(paused.responseUrl);
    expect(answer?.body.text).toMatch(/Paused/);
    expect(answer?.body.response_type).toBe('in_channel');
    expect((await h.t.app.deps.campaigns.get(Number(campaignRef.slice(2))))?.status).toBe('paused');
  });

  it('shows people as Slack mentions on the card and in the activity; the console keeps the ids', async () => {
    const shown = await h.command(`show ${campaignRef}`, USERS.viewer);
    const card = JSON.stringify(h.slack.responsesTo(shown.responseUrl)[0]!.body.blocks);
    expect(card).toContain(`by <@${USERS.marketer}>`);
    expect(card).not.toMatch(new RegExp(`by ${USERS.marketer}\\b`));
    const activity = await h.command(`activity ${campaignRef}`, USERS.viewer);
    const blocks = h.slack.responsesTo(activity.responseUrl)[0]!.body.blocks;
    expect(JSON.stringify(blocks)).toContain(`<@${USERS.marketer}> is ${USERS.marketer}`);
    const console = await h.t.run(`show ${campaignRef}`);
    expect(console.text).toContain(`by ${USERS.marketer}`);
    expect(console.text).not.toContain('<@');
  });

  it('refuses a viewer privately, naming the role needed, and changes nothing', async () => {
    const { responseUrl } = await h.command(`resume ${campaignRef}`, USERS.viewer);
    const [answer] = h.slack.responsesTo(responseUrl);
    expect(answer?.body.response_type).toBe('ephemeral');
    expect(answer?.body.text).toMatch(/needs the \*marketer\* role/);
    expect((await h.t.app.deps.campaigns.get(Number(campaignRef.slice(2))))?.status).toBe('paused');
  });

  it('resolves roles through user groups and refuses people with no role', async () => {
    const member = await h.command(`show ${campaignRef}`, USERS.groupMember);
    expect(h.slack.responsesTo(member.responseUrl)[0]?.body.text).not.toMatch(/role/);
    expect(h.slack.callsOf('usergroups.users.list').length).toBeGreaterThan(0);
    const stranger = await h.command('list', USERS.stranger);
    expect(h.slack.responsesTo(stranger.responseUrl)[0]?.body.text).toMatch(/needs the \*viewer\* role; you have no Herald role/);
  });

  it('applies a re-delivered slash command (same trigger_id) once', async () => {
    const body = form({ command: '/campaign', text: `resume ${campaignRef}`, user_id: USERS.marketer, team_id: 'T1', channel_id: 'CCHAN', response_url: h.slack.responseUrl('dup'), trigger_id: 'same-trigger', api_app_id: 'A1' });
    expect((await h.post({ body })).status).toBe(200);
    expect((await h.post({ body })).status).toBe(200);
    const answers = h.slack.responsesTo(h.slack.responseUrl('dup'));
    expect(answers).toHaveLength(2);
    expect(answers[0]?.body.text).toMatch(/Resumed/);
    expect(answers[1]?.body.text).toMatch(/Already done/);
    const activity = await h.t.app.deps.campaigns.activity(Number(campaignRef.slice(2)), 100);
    expect(activity.filter((a) => a.action === 'resume')).toHaveLength(1);
  });

  it('answers a syntax error privately with the usage', async () => {
    const { responseUrl } = await h.command('puase C-1');
    const [answer] = h.slack.responsesTo(responseUrl);
    expect(answer?.body.response_type).toBe('ephemeral');
    expect(answer?.body.text).toMatch(/Did you mean "pause"/);
  });
});

describe('request signatures', () => {
  let h: SlackHarness;
  beforeAll(async () => {
    h = await createSlackHarness();
  });
  afterAll(() => h.close());

  const body = () => form({ command: '/campaign', text: 'new --name Sneaky --channel email', user_id: USERS.admin, team_id: 'T1', channel_id: 'C1', response_url: h.slack.responseUrl('sig'), trigger_id: `t-${Math.random()}` });

  it('refuses unsigned, stale and tampered requests with 401 and changes nothing', async () => {
    expect((await h.post({ body: body(), unsigned: true })).status).toBe(401);
    expect((await h.post({ body: body(), timestamp: Math.floor(Date.now() / 1000) - 6 * 60 })).status).toBe(401);
    expect((await h.post({ body: body(), tamper: (b) => b.replace('Sneaky', 'Sneakier') })).status).toBe(401);
    expect(h.slack.calls).toHaveLength(0);
    expect((await h.t.app.deps.campaigns.list({ page: 1, pageSize: 10 })).total).toBe(0);
  });

  it('accepts the same request correctly signed', async () => {
    expect((await h.post({ body: body() })).status).toBe(200);
    expect((await h.t.app.deps.campaigns.list({ page: 1, pageSize: 10 })).total).toBe(1);
  });
});
