import { describe, expect, it } from 'vitest';
import { memoryIdempotency } from '../../fakes/memory-idempotency.js';
import type { ExecutableCommand } from '../../../src/commands/execute.js';
import { errorReply, reply, type Reply } from '../../../src/commands/reply.js';
import type { Campaign } from '../../../src/domain/campaign/campaign.js';
import { channelSpecs, EMAIL_CHANNEL, SMS_CHANNEL } from '../../../src/domain/channels/channel-spec.js';
import type { Template } from '../../../src/domain/templates/template.js';
import { CARD_ACTIONS, FIELDS, HOME_ACTIONS, LINK_ACTIONS, VIEWS } from '../../../src/slack/ids.js';
import { approvalDecided } from '../../../src/slack/listeners/actions/approval-decided.js';
import { cardCommandClicked } from '../../../src/slack/listeners/actions/card-command-clicked.js';
import { cardCancelClicked, cardEditClicked, cardRetryClicked, cardScheduleClicked, cardTestClicked } from '../../../src/slack/listeners/actions/modal-button-clicked.js';
import { homeNewCampaignClicked } from '../../../src/slack/listeners/actions/home-new-campaign-clicked.js';
import { homeShowClicked } from '../../../src/slack/listeners/actions/home-show-clicked.js';
import { homeTemplateSendingClicked } from '../../../src/slack/listeners/actions/home-template-sending-clicked.js';
import { campaignCommand } from '../../../src/slack/listeners/commands/campaign-command.js';
import { campaignFormSubmitted } from '../../../src/slack/listeners/views/campaign-form-submitted.js';
import { cancelConfirmSubmitted } from '../../../src/slack/listeners/views/cancel-confirm-submitted.js';
import { retryConfirmSubmitted } from '../../../src/slack/listeners/views/retry-confirm-submitted.js';
import { scheduleFormSubmitted } from '../../../src/slack/listeners/views/schedule-form-submitted.js';
import { templateSendingSubmitted } from '../../../src/slack/listeners/views/template-sending-submitted.js';
import { testSendSubmitted } from '../../../src/slack/listeners/views/test-send-submitted.js';
import type { RoleOrNone } from '../../../src/slack/roles.js';
import { linkEditClicked } from '../../../src/slack/listeners/actions/link-edit-clicked.js';
import { linkEditSubmitted } from '../../../src/slack/listeners/views/link-edit-submitted.js';
import { assertPostable, assertWithinLimits } from '../../support/block-kit-limits.js';
import type { SlackContext } from '../../../src/slack/slack-context.js';

/**
 * Every modal and button listener alone, in the style of Slack's bolt-ts starter: a fake ack,
 * respond and Web API client record what the listener did, and a fake command layer records the
 * typed Command it was given (never a text line) and answers what the test says.
 */

type Event = { kind: 'ack'; response?: any } | { kind: 'respond'; message: any } | { kind: 'call'; method: string; args: any } | { kind: 'execute'; command: ExecutableCommand; actor: string };

function fakeClient(events: Event[]) {
  const call = (method: string) => async (args: any) => {
    events.push({ kind: 'call', method, args });
    return { ok: true, channel: typeof args?.channel === 'string' ? args.channel.replace(/^U/, 'D') : undefined, ts: '1.1' };
  };
  return {
    views: { open: call('views.open'), update: call('views.update'), publish: call('views.publish') },
    chat: { postMessage: call('chat.postMessage'), postEphemeral: call('chat.postEphemeral'), update: call('chat.update') },
  };
}
const fakeAck = (events: Event[]) => async (response?: unknown) => void events.push({ kind: 'ack', response });
const fakeRespond = (events: Event[]) => async (message: unknown) => void events.push({ kind: 'respond', message });

function campaign(over: Partial<Campaign> = {}): Campaign {
  const now = new Date('2026-11-22T10:00:00Z');
  return {
    id: 5, name: 'Winter sale', description: '', tags: ['promo'], channel: 'email', status: 'ready', resumeTo: null, statusReason: null, statusDetails: null,
    launchType: 'manual', sendAt: null, timeZone: null, cron: null, nextRunAt: null, ifLate: 'send_late', templateId: 1, listId: 1, includeSegmentIds: [], excludeSegmentIds: [],
    oneTimeFilter: null, smsTtlSeconds: null, tracking: true, variants: [], createdBy: 'UMARK', createdAt: now, updatedAt: now, clonedFromId: null, version: 4, ...over,
  };
}
const welcome = { id: 1, name: 'Welcome', channel: 'email', currentVersion: 1, content: { subject: 'Hi', html: null, text: 'x' }, sending: { fromName: null, fromEmail: 'news@example.com', replyTo: null, smsSender: null }, deletedAt: null } as unknown as Template;

/** A Slack context whose command layer is a recorder: `answer` says what it replies to each command. */
function fakeContext(events: Event[], options: { role?: RoleOrNone; answer?: (command: ExecutableCommand) => Reply; campaigns?: Campaign[] } = {}): SlackContext {
  const campaigns = options.campaigns ?? [campaign()];
  return {
    execute: async (command, actor) => {
      events.push({ kind: 'execute', command, actor: actor.id });
      return options.answer?.(command) ?? reply('done');
    },
    deps: {
      clock: { now: () => new Date('2026-11-22T10:00:00Z') },
      config: { accountTimeZone: 'UTC', channels: channelSpecs([EMAIL_CHANNEL, SMS_CHANNEL]) },
      campaigns: { get: async (id: number) => campaigns.find((c) => c.id === id) ?? null },
      templates: { list: async () => [welcome], get: async (id: number) => (id === 1 ? welcome : null) },
      contacts: { listLists: async () => [{ id: 1, name: 'Newsletter' }], listSegments: async () => [], getList: async () => ({ id: 1, name: 'Newsletter' }), getSegment: async () => null },
      approvals: { get: async () => null },
    } as unknown as SlackContext['deps'],
    roleOf: async () => options.role ?? 'marketer',
    idempotency: memoryIdempotency(),
    logger: { info: () => {}, warn: () => {}, error: () => {} },
  };
}

let ts = 1_800_000_000;
function click(actionId: string, value: string, user = 'UMARK') {
  ts += 10;
  return {
    type: 'block_actions',
    user: { id: user },
    trigger_id: `T${ts}`,
    container: { type: 'message', channel_id: 'CCHAN', message_ts: '1700000000.000100' },
    actions: [{ action_id: actionId, block_id: 'card_5_v4', value, action_ts: `${ts}.1` }],
  };
}
function submission(callbackId: string, metadata: object, values: Record<string, Record<string, unknown>>, blocks: unknown[] = []) {
  return { body: { type: 'view_submission', user: { id: 'UMARK' } }, view: { id: 'V1', hash: 'h1', callback_id: callbackId, private_metadata: JSON.stringify(metadata), blocks, state: { values } } };
}
const text = (value: string) => ({ type: 'plain_text_input', value });
const executed = (events: Event[]) => events.flatMap((e) => (e.kind === 'execute' ? [e.command] : []));
const kinds = (events: Event[]) => events.map((e) => (e.kind === 'call' ? e.method : e.kind));
const refused = (field: string): Reply => ({ ...errorReply('Invalid input: nope'), code: 'INVALID_INPUT', field, problem: { lead: 'Invalid input', message: 'nope' } });

async function run(listener: any, args: Record<string, unknown>, events: Event[]) {
  await listener({ ack: fakeAck(events), respond: fakeRespond(events), client: fakeClient(events), context: {}, ...args });
}

describe('card buttons build typed commands from their ids', () => {
  it('a direct button acks first, then executes the typed command and replaces the card', async () => {
    const events: Event[] = [];
    await run(cardCommandClicked(fakeContext(events)), { body: click(CARD_ACTIONS.pause, '5') }, events);
    expect(kinds(events)).toEqual(['ack', 'execute', 'respond']);
    expect(executed(events)).toEqual([{ name: 'pause', campaignId: 5 }]);
    expect((events[2] as any).message.replace_original).toBe(true);
  });

  it('refuses a viewer without executing anything, and a button with a bad value is out of date', async () => {
    const events: Event[] = [];
    await run(cardCommandClicked(fakeContext(events, { role: 'viewer' })), { body: click(CARD_ACTIONS.run, '5', 'UVIEW') }, events);
    expect(executed(events)).toEqual([]);
    expect((events.at(-1) as any).message.text).toMatch(/needs the \*marketer\* role/);
    const stale: Event[] = [];
    await run(cardCommandClicked(fakeContext(stale)), { body: click(CARD_ACTIONS.run, 'nonsense') }, stale);
    expect(executed(stale)).toEqual([]);
    expect((stale.at(-1) as any).message.text).toMatch(/out of date/);
  });

  it('Edit opens the form with ids and the version only in private_metadata', async () => {
    const events: Event[] = [];
    await run(cardEditClicked(fakeContext(events)), { body: click(CARD_ACTIONS.edit, '5') }, events);
    expect(kinds(events)).toEqual(['ack', 'views.open']);
    const view = (events[1] as any).args.view;
    expect(view.callback_id).toBe(VIEWS.campaignForm);
    expect(JSON.parse(view.private_metadata)).toEqual({ channelId: 'CCHAN', messageTs: '1700000000.000100', campaignId: 5, version: 4 });
  });

  it('Cancel asks the command layer unconfirmed, then opens the confirmation worded for the modal', async () => {
    const events: Event[] = [];
    const answer = (): Reply => ({ ...errorReply('Confirmation needed: Cancelling C-5 "Winter sale" cannot be undone.'), code: 'CONFIRMATION_REQUIRED', field: 'confirm', confirm: { field: 'confirm', value: 'C-5' }, problem: { lead: 'Confirmation needed', message: 'Cancelling C-5 "Winter sale" cannot be undone.' } });
    await run(cardCancelClicked(fakeContext(events, { answer })), { body: click(CARD_ACTIONS.cancel, '5') }, events);
    expect(executed(events)).toEqual([{ name: 'cancel', campaignId: 5 }]);
    const view = (events.at(-1) as any).args.view;
    expect(view.callback_id).toBe(VIEWS.cancelConfirm);
    expect(JSON.stringify(view.blocks)).toContain('Cancelling C-5 \\"Winter sale\\" cannot be undone. To confirm, type its id below.');
  });

  it('Retry failed asks for the count of every failed message, then opens the confirmation', async () => {
    const events: Event[] = [];
    const answer = (): Reply => ({ ...reply('Retry 2 messages of C-5 (2 failed)?'), code: 'CONFIRMATION_REQUIRED', confirm: { field: 'confirm' } });
    await run(cardRetryClicked(fakeContext(events, { answer })), { body: click(CARD_ACTIONS.retry, '5') }, events);
    expect(executed(events)).toEqual([{ name: 'retry', campaignId: 5, all: true }]);
    const view = (events.at(-1) as any).args.view;
    expect(view.submit.text).toBe('Retry failed');
    expect(JSON.stringify(view.blocks)).toContain('Press Retry failed to confirm.');
  });

  it('Schedule and Test send open their forms after the ack, keeping the campaign id only', async () => {
    for (const [listener, action, callbackId] of [[cardScheduleClicked, CARD_ACTIONS.schedule, VIEWS.schedule], [cardTestClicked, CARD_ACTIONS.test, VIEWS.testSend]] as const) {
      const events: Event[] = [];
      await run(listener(fakeContext(events)), { body: click(action, '5') }, events);
      expect(kinds(events)).toEqual(['ack', 'views.open']);
      const view = (events[1] as any).args.view;
      expect(view.callback_id).toBe(callbackId);
      expect(JSON.parse(view.private_metadata)).toEqual({ channelId: 'CCHAN', messageTs: '1700000000.000100', campaignId: 5 });
    }
  });
});

describe('Home and approval buttons', () => {
  it('Approve executes the typed approve command with the approval id from the button', async () => {
    const events: Event[] = [];
    await run(approvalDecided(fakeContext(events, { role: 'approver' })), { body: click(HOME_ACTIONS.approve, '7', 'UAPPR') }, events);
    expect(kinds(events).slice(0, 2)).toEqual(['ack', 'execute']);
    expect(executed(events)).toEqual([{ name: 'approve', approvalId: 7 }]);
  });

  it('Show posts the card from the typed show command; New campaign and Sending details open their modals', async () => {
    const show: Event[] = [];
    await run(homeShowClicked(fakeContext(show, { role: 'viewer' })), { body: click(HOME_ACTIONS.show, '5', 'UVIEW') }, show);
    expect(executed(show)).toEqual([{ name: 'show', campaignId: 5 }]);
    expect(kinds(show)).toEqual(['ack', 'execute', 'chat.postMessage']);

    const create: Event[] = [];
    await run(homeNewCampaignClicked(fakeContext(create)), { body: click(HOME_ACTIONS.newCampaign, 'new') }, create);
    expect((create.at(-1) as any).args.view.callback_id).toBe(VIEWS.campaignForm);
    expect(JSON.parse((create.at(-1) as any).args.view.private_metadata)).toEqual({});

    const sending: Event[] = [];
    await run(homeTemplateSendingClicked(fakeContext(sending)), { body: click(HOME_ACTIONS.editTemplateSending, '1') }, sending);
    expect(JSON.parse((sending.at(-1) as any).args.view.private_metadata)).toEqual({ templateId: 1 });
  });
});

describe('/campaign parses the line once and executes the typed command', () => {
  const slash = (text: string) => ({ command: { text, user_id: 'UMARK', channel_id: 'CCHAN', trigger_id: 'T1' } });

  it('executes what it parsed, and words a refusal for someone who types: the flag of the field', async () => {
    const events: Event[] = [];
    await run(campaignCommand(fakeContext(events, { answer: () => refused('at') })), slash('schedule C-5 --at "2026-12-01 09:00"'), events);
    expect(executed(events)).toEqual([{ name: 'schedule', campaignId: 5, at: '2026-12-01T09:00' }]);
    expect((events.at(-1) as any).message.text).toBe('Invalid input (--at): nope');
  });

  it('a line that does not parse is answered with the usage and executes nothing', async () => {
    const events: Event[] = [];
    await run(campaignCommand(fakeContext(events)), slash('pause C-5 --bogus'), events);
    expect(executed(events)).toEqual([]);
    expect((events.at(-1) as any).message.text).toMatch(/^Unknown flag --bogus/);
  });

  it('an unconfirmed cancel opens the confirmation instead of answering', async () => {
    const events: Event[] = [];
    const answer = (): Reply => ({ ...errorReply('Confirmation needed: x'), code: 'CONFIRMATION_REQUIRED', problem: { lead: 'Confirmation needed', message: 'x' } });
    await run(campaignCommand(fakeContext(events, { answer })), slash('cancel C-5'), events);
    expect(kinds(events)).toEqual(['ack', 'execute', 'views.open']);
  });
});

describe('modal submissions build typed commands from view state and put refusals on their blocks', () => {
  it('create: the typed new command; a refusal naming the template lands on the template block', async () => {
    const events: Event[] = [];
    const values = { [FIELDS.name.block]: { name: text('Spring') }, [FIELDS.channel.block]: { channel: { type: 'static_select', selected_option: { value: 'email' } } }, [FIELDS.template.block]: { template: text('Nope') } };
    await run(campaignFormSubmitted(fakeContext(events, { answer: () => refused('template') })), submission(VIEWS.campaignForm, { channelId: 'CCHAN' }, values), events);
    expect(executed(events)).toEqual([{ name: 'new', campaignName: 'Spring', channel: 'email', template: 'Nope' }]);
    expect(events.at(-1)).toEqual({ kind: 'ack', response: { response_action: 'errors', errors: { [FIELDS.template.block]: 'Invalid input: nope' } } });
  });

  it('edit: only the changed field, conditional on the version the form was opened on; another version is refused unexecuted', async () => {
    const events: Event[] = [];
    const values = { [FIELDS.name.block]: { name: text('Winter sale') }, [FIELDS.tags.block]: { tags: text('promo, winter') } };
    await run(campaignFormSubmitted(fakeContext(events)), submission(VIEWS.campaignForm, { campaignId: 5, version: 4 }, values), events);
    expect(executed(events)).toEqual([{ name: 'edit', campaignId: 5, tags: ['promo', 'winter'], ifVersion: 4 }]);

    const stale: Event[] = [];
    await run(campaignFormSubmitted(fakeContext(stale)), submission(VIEWS.campaignForm, { campaignId: 5, version: 3 }, values), stale);
    expect(executed(stale)).toEqual([]);
    expect((stale[0] as any).response.errors[FIELDS.name.block]).toMatch(/^C-5 was changed by someone else since you opened this form/);
  });

  it('cancel: the typed id goes in the command; a mismatch stays on the id field', async () => {
    const events: Event[] = [];
    await run(cancelConfirmSubmitted(fakeContext(events, { answer: () => refused('confirm') })), submission(VIEWS.cancelConfirm, { campaignId: 5 }, { [FIELDS.confirmId.block]: { confirm_id: text('C-9') } }), events);
    expect(executed(events)).toEqual([{ name: 'cancel', campaignId: 5, confirm: 'C-9' }]);
    expect(events.at(-1)).toEqual({ kind: 'ack', response: { response_action: 'errors', errors: { [FIELDS.confirmId.block]: 'Invalid input: nope' } } });
  });

  it('retry: acked first, then every failed message retried, confirmed', async () => {
    const events: Event[] = [];
    await run(retryConfirmSubmitted(fakeContext(events)), submission(VIEWS.retryConfirm, { campaignId: 5 }, {}), events);
    expect(kinds(events).slice(0, 2)).toEqual(['ack', 'execute']);
    expect(executed(events)).toEqual([{ name: 'retry', campaignId: 5, all: true, confirm: true }]);
  });

  it('schedule: a typed schedule command; a value the schemas refuse never reaches the command layer', async () => {
    const events: Event[] = [];
    const values = { [FIELDS.date.block]: { date: { type: 'datepicker', selected_date: '2026-12-01' } }, [FIELDS.time.block]: { time: { type: 'timepicker', selected_time: '09:00' } }, [FIELDS.tz.block]: { tz: text('Europe/Paris') } };
    await run(scheduleFormSubmitted(fakeContext(events, { answer: () => refused('tz') })), submission(VIEWS.schedule, { campaignId: 5 }, values), events);
    expect(executed(events)).toEqual([{ name: 'schedule', campaignId: 5, at: '2026-12-01T09:00', tz: 'Europe/Paris' }]);
    expect(events.at(-1)).toEqual({ kind: 'ack', response: { response_action: 'errors', errors: { [FIELDS.tz.block]: 'Invalid input: nope' } } });

    const bad: Event[] = [];
    await run(scheduleFormSubmitted(fakeContext(bad)), submission(VIEWS.schedule, { campaignId: 5 }, { [FIELDS.cron.block]: { cron: text('0 9') }, [FIELDS.tz.block]: { tz: text('Mars/Olympus') } }), bad);
    expect(executed(bad)).toEqual([]);
    expect(Object.keys((bad[0] as any).response.errors).sort()).toEqual([FIELDS.cron.block, FIELDS.tz.block].sort());
  });

  it('test send: the address is checked and acked before the typed test command runs', async () => {
    const events: Event[] = [];
    await run(testSendSubmitted(fakeContext(events)), submission(VIEWS.testSend, { campaignId: 5 }, { [FIELDS.to.block]: { to: text('ada@example.com') } }), events);
    expect(kinds(events).slice(0, 2)).toEqual(['ack', 'execute']);
    expect(executed(events)).toEqual([{ name: 'test', campaignId: 5, to: 'ada@example.com' }]);
    const bad: Event[] = [];
    await run(testSendSubmitted(fakeContext(bad)), submission(VIEWS.testSend, { campaignId: 5 }, { [FIELDS.to.block]: { to: text('not an address') } }), bad);
    expect(executed(bad)).toEqual([]);
    expect(Object.keys((bad[0] as any).response.errors)).toEqual([FIELDS.to.block]);
  });

  it('template sending details: unconfirmed first (the modal becomes the confirmation), then confirmed', async () => {
    const events: Event[] = [];
    const answer = (command: ExecutableCommand): Reply =>
      'confirm' in command && command.confirm
        ? reply('Saved template "Welcome".')
        : { ...errorReply('Confirmation needed: applies to 2 campaigns.'), code: 'CONFIRMATION_REQUIRED', field: 'confirm', confirm: { field: 'confirm' }, problem: { lead: 'Confirmation needed', message: 'applies to 2 campaigns.' } };
    const values = { [FIELDS.fromName.block]: { from_name: text('') }, [FIELDS.fromEmail.block]: { from_email: text('hello@example.com') }, [FIELDS.replyTo.block]: { reply_to: text('') } };
    await run(templateSendingSubmitted(fakeContext(events, { answer }), false), submission(VIEWS.templateSending, { templateId: 1 }, values), events);
    expect(executed(events)).toEqual([{ name: 'templates', action: 'edit', templateName: 'Welcome', fromEmail: 'hello@example.com' }]);
    const update = events.at(-1) as any;
    expect(update.response.response_action).toBe('update');
    expect(update.response.view.callback_id).toBe(VIEWS.templateSendingConfirm);
    expect(JSON.stringify(update.response.view.blocks)).toContain('applies to 2 campaigns.');
    const confirmed: Event[] = [];
    await run(templateSendingSubmitted(fakeContext(confirmed, { answer }), true), submission(VIEWS.templateSendingConfirm, { templateId: 1 }, values), confirmed);
    expect(executed(confirmed)).toEqual([{ name: 'templates', action: 'edit', templateName: 'Welcome', fromEmail: 'hello@example.com', confirm: true }]);
  });
});

describe('campaign form: the overdue policy and tracking, as the typed command takes them', () => {
  const select = (value: string) => ({ type: 'static_select', selected_option: { value } });
  const base = { [FIELDS.name.block]: { name: text('Spring') }, [FIELDS.channel.block]: { channel: select('email') } };

  it('create: the defaults (send late, tracking on) add nothing; other choices go in as --if-late and --tracking would', async () => {
    const plain: Event[] = [];
    await run(campaignFormSubmitted(fakeContext(plain)), submission(VIEWS.campaignForm, {}, { ...base, [FIELDS.ifLate.block]: { if_late: select('send') }, [FIELDS.tracking.block]: { tracking: select('on') } }), plain);
    expect(executed(plain)).toEqual([{ name: 'new', campaignName: 'Spring', channel: 'email' }]);
    const chosen: Event[] = [];
    await run(campaignFormSubmitted(fakeContext(chosen)), submission(VIEWS.campaignForm, {}, { ...base, [FIELDS.ifLate.block]: { if_late: select('ask') }, [FIELDS.tracking.block]: { tracking: select('off') } }), chosen);
    expect(executed(chosen)).toEqual([{ name: 'new', campaignName: 'Spring', channel: 'email', ifLate: 'ask', tracking: 'off' }]);
  });

  it('edit: prefilled from the campaign; only a changed choice is sent, and a refusal naming it lands on its block', async () => {
    const events: Event[] = [];
    const ctx = fakeContext(events, { campaigns: [campaign({ ifLate: 'skip', tracking: false })], answer: () => refused('ifLate') });
    await run(cardEditClicked(ctx), { body: click(CARD_ACTIONS.edit, '5') }, events);
    const view = (events.find((e) => e.kind === 'call' && e.method === 'views.open') as any).args.view;
    assertWithinLimits(view.blocks, 100);
    const initial = (block: string) => view.blocks.find((b: any) => b.block_id === block).element.initial_option.value;
    expect([initial(FIELDS.ifLate.block), initial(FIELDS.tracking.block)]).toEqual(['skip', 'off']);
    const values = { [FIELDS.ifLate.block]: { if_late: select('send') }, [FIELDS.tracking.block]: { tracking: select('off') } };
    const submitted: Event[] = [];
    await run(campaignFormSubmitted(fakeContext(submitted, { campaigns: [campaign({ ifLate: 'skip', tracking: false })], answer: () => refused('ifLate') })), submission(VIEWS.campaignForm, { campaignId: 5, version: 4 }, values), submitted);
    expect(executed(submitted)).toEqual([{ name: 'edit', campaignId: 5, ifLate: 'send_late', ifVersion: 4 }]);
    expect(submitted.at(-1)).toEqual({ kind: 'ack', response: { response_action: 'errors', errors: { [FIELDS.ifLate.block]: 'Invalid input: nope' } } });
  });
});

describe('the click map: Edit controls for editors, the link edit modal through typed commands', () => {
  const linkMap = (n: number) => ({
    campaignId: 5,
    campaignName: 'Winter sale',
    links: Array.from({ length: n }, (_, i) => ({ id: 10 + i, url: `https://shop.example.com/${'p'.repeat(i % 90)}${i}`, originalUrl: `https://shop.example.com/${i}` })),
  });
  const clickMap = (n: number): Reply => ({ ...reply(`Click map of C-5 Winter sale: ${n} links`, [{ type: 'table', columns: ['Link', 'Goes to'], rows: linkMap(n).links.map((l) => [`L-${l.id}`, l.url]) }]), linkMap: linkMap(n) });
  const answerLinks = (n: number, edit: Reply = reply('L-10 of C-5 now goes to https://x.example.com/', [], 'in_channel')) => (command: ExecutableCommand) =>
    'action' in command && command.action === 'edit' ? edit : clickMap(n);
  const slash = (text: string, user = 'UMARK') => ({ command: { text, user_id: user, channel_id: 'CCHAN', trigger_id: 'T1' } });
  const answered = (events: Event[]) => (events.at(-1) as any).message;

  it('a button per link for a marketer, a select past five, 100 options at most with a line for the rest; none for a viewer', async () => {
    const few: Event[] = [];
    await run(campaignCommand(fakeContext(few, { answer: answerLinks(2) })), slash('links C-5'), few);
    assertPostable(answered(few));
    const buttons = answered(few).blocks.at(-1);
    expect(buttons.elements.map((e: any) => [e.action_id, e.value])).toEqual([[`${LINK_ACTIONS.buttonPrefix}10`, '5:10'], [`${LINK_ACTIONS.buttonPrefix}11`, '5:11']]);

    const many: Event[] = [];
    await run(campaignCommand(fakeContext(many, { answer: answerLinks(7) })), slash('links C-5'), many);
    const select = answered(many).blocks.at(-1).elements[0];
    expect(select.action_id).toBe(LINK_ACTIONS.pick);
    expect(select.options).toHaveLength(7);

    const lots: Event[] = [];
    await run(campaignCommand(fakeContext(lots, { answer: answerLinks(150) })), slash('links C-5'), lots);
    const message = answered(lots);
    assertPostable(message);
    expect(message.blocks.at(-2).elements[0].options).toHaveLength(100);
    expect(message.blocks.at(-1).elements[0].text).toMatch(/^50 more links not offered here/);

    const viewer: Event[] = [];
    await run(campaignCommand(fakeContext(viewer, { role: 'viewer', answer: answerLinks(2) })), slash('links C-5', 'UVIEW'), viewer);
    expect(answered(viewer).blocks.some((b: any) => b.type === 'actions')).toBe(false);
  });

  it('Edit reads the link through the typed links command and opens the modal with ids only; a viewer is refused unread', async () => {
    const events: Event[] = [];
    await run(linkEditClicked(fakeContext(events, { answer: answerLinks(2) })), { body: click(`${LINK_ACTIONS.buttonPrefix}11`, '5:11') }, events);
    expect(executed(events)).toEqual([{ name: 'links', action: 'list', campaignId: 5 }]);
    const view = (events.at(-1) as any).args.view;
    expect(view.callback_id).toBe(VIEWS.linkEdit);
    expect(JSON.parse(view.private_metadata)).toEqual({ channelId: 'CCHAN', messageTs: '1700000000.000100', campaignId: 5, linkId: 11 });
    expect(view.blocks.find((b: any) => b.block_id === FIELDS.url.block).element.initial_value).toBe('https://shop.example.com/p1');

    const picked: Event[] = [];
    const pick = { ...click(LINK_ACTIONS.pick, ''), actions: [{ action_id: LINK_ACTIONS.pick, block_id: 'links_5', selected_option: { value: '5:12' }, action_ts: '1.1' }] };
    await run(linkEditClicked(fakeContext(picked, { answer: answerLinks(7) })), { body: pick }, picked);
    expect(JSON.parse((picked.at(-1) as any).args.view.private_metadata).linkId).toBe(12);

    const viewer: Event[] = [];
    await run(linkEditClicked(fakeContext(viewer, { role: 'viewer', answer: answerLinks(2) })), { body: click(`${LINK_ACTIONS.buttonPrefix}11`, '5:11', 'UVIEW') }, viewer);
    expect(kinds(viewer)).toEqual(['ack', 'respond']);
    expect(answered(viewer).text).toMatch(/Editing a link needs the \*marketer\* role/);
  });

  it('submit: the typed links edit; a bad URL, a refusal, a changed destination and a lost role each stay on the URL field', async () => {
    const opened = [{ type: 'input', block_id: FIELDS.url.block, element: { type: 'plain_text_input', action_id: 'url', initial_value: 'https://shop.example.com/0' } }];
    const submit = (url: string) => submission(VIEWS.linkEdit, { campaignId: 5, linkId: 10, channelId: 'CCHAN' }, { [FIELDS.url.block]: { url: text(url) } }, opened);
    const events: Event[] = [];
    await run(linkEditSubmitted(fakeContext(events, { answer: answerLinks(1) })), submit('https://x.example.com/'), events);
    expect(executed(events)).toEqual([{ name: 'links', action: 'list', campaignId: 5 }, { name: 'links', action: 'edit', campaignId: 5, linkId: 10, url: 'https://x.example.com/', ifUrl: 'https://shop.example.com/0' }]);
    expect(kinds(events).slice(-2)).toEqual(['ack', 'chat.postMessage']);
    expect((events.at(-1) as any).args.channel).toBe('CCHAN');

    const bad: Event[] = [];
    await run(linkEditSubmitted(fakeContext(bad, { answer: answerLinks(1) })), submit('ftp://x'), bad);
    expect(executed(bad)).toEqual([]);
    expect(Object.keys((bad[0] as any).response.errors)).toEqual([FIELDS.url.block]);

    const notFound: Event[] = [];
    await run(linkEditSubmitted(fakeContext(notFound, { answer: answerLinks(1, refused('link')) })), submit('https://x.example.com/'), notFound);
    expect(notFound.at(-1)).toEqual({ kind: 'ack', response: { response_action: 'errors', errors: { [FIELDS.url.block]: 'Invalid input: nope' } } });

    const changed: Event[] = [];
    const moved = (command: ExecutableCommand) => ({ ...clickMap(1), linkMap: { ...linkMap(1), links: [{ id: 10, url: 'https://elsewhere.example.com/', originalUrl: 'https://shop.example.com/0' }] }, ...('action' in command && command.action === 'edit' ? reply('edited') : {}) });
    await run(linkEditSubmitted(fakeContext(changed, { answer: moved })), submit('https://x.example.com/'), changed);
    expect(executed(changed).map((c: any) => c.action)).toEqual(['list']);
    expect((changed.at(-1) as any).response.errors[FIELDS.url.block]).toMatch(/^Changed by someone else since you opened this form: L-10 now goes to https:\/\/elsewhere\.example\.com\/\./);

    const viewer: Event[] = [];
    await run(linkEditSubmitted(fakeContext(viewer, { role: 'viewer', answer: answerLinks(1) })), submit('https://x.example.com/'), viewer);
    expect(executed(viewer)).toEqual([]);
    expect((viewer[0] as any).response.errors[FIELDS.url.block]).toMatch(/Editing a link needs the \*marketer\* role/);
  });
});
