import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { LogLevel } from '@slack/bolt';
import { SmtpEmailProvider } from '../../../src/adapters/channels/smtp-email-provider.js';
import type { Config } from '../../../src/config.js';
import { createSlackEdge, type SlackEdge } from '../../../src/slack/slack-app.js';
import { FakeSlackApi } from '../../fakes/slack-api-server.js';
import { form, payloadForm, postSigned, type SignedPost } from '../../fakes/slack-signing.js';
import { startSmtpSink, type SmtpSink } from '../../fakes/smtp-sink.js';
import { importContacts, noPacing, ok } from '../../support/delivery-fixtures.js';
import { createTestApp, type TestApp } from '../../support/test-app.js';
import type { Engine } from '../../support/test-database.js';

export const SECRET = 'test-signing-secret';
export const USERS = { admin: 'UADMIN', marketer: 'UMARK', approver: 'UAPPR', viewer: 'UVIEW', groupMember: 'UGRP', stranger: 'USTRANGER' } as const;

export function slackConfig(apiUrl: string): NonNullable<Config['slack']> {
  return {
    botToken: 'xoxb-test',
    signingSecret: SECRET,
    appToken: null,
    socketMode: false,
    apiUrl,
    roles: { admin: [USERS.admin], approver: [USERS.approver], marketer: [USERS.marketer, 'SMARKETERS'], viewer: [USERS.viewer] },
    defaultRole: 'none',
    alertsChannel: null,
    oncallGroup: null,
    activityChannel: null,
    digestChannel: null,
  };
}

/**
 * The real Bolt app over real HTTP: Herald's Slack route mounted on a loopback server the way
 * main.ts mounts it on Herald's own, the Web API and response_url pointed at a fake Slack.
 */
export interface SlackHarness {
  t: TestApp;
  slack: FakeSlackApi;
  edge: SlackEdge;
  url: string;
  post(req: SignedPost): ReturnType<typeof postSigned>;
  command(text: string, user?: string, extra?: Record<string, string>): Promise<{ status: number; responseUrl: string; triggerId: string }>;
  action(payload: Record<string, unknown>): ReturnType<typeof postSigned>;
  close(): Promise<void>;
}

let triggers = 0;

export async function createSlackHarness(
  engine: Engine = 'embedded',
  options: {
    processBeforeResponse?: boolean;
    env?: NodeJS.ProcessEnv;
    overrides?: Parameters<typeof createTestApp>[2];
    /** Slack settings over the defaults (activity or alerts channel…). */
    slack?: Partial<NonNullable<Config['slack']>>;
    /** Options of the Slack edge over the defaults (the channel poster's pacing…). */
    edge?: Partial<Parameters<typeof createSlackEdge>[0]>;
  } = {},
): Promise<SlackHarness> {
  const t = await createTestApp(engine, options.env, options.overrides);
  const slack = new FakeSlackApi();
  slack.groups = { SMARKETERS: [USERS.groupMember] };
  await slack.start();
  const edge = createSlackEdge({
    app: t.app,
    config: { ...slackConfig(slack.apiUrl), ...options.slack },
    clock: t.clock,
    logger: { info: () => {}, warn: () => {}, error: (m, c) => console.error(m, c) },
    processBeforeResponse: options.processBeforeResponse ?? true,
    webApiRetries: 0,
    logLevel: LogLevel.ERROR,
    ...options.edge,
  });
  const route = edge.routes[0]!;
  const server = http.createServer((req, res) => {
    if (req.method === route.method && req.url?.split('?')[0] === route.path) return route.handler(req, res);
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${route.path}`;
  const post = (req: SignedPost) => postSigned(url, SECRET, req);
  return {
    t,
    slack,
    edge,
    url,
    post,
    async command(text, user = USERS.marketer, extra = {}) {
      triggers += 1;
      const responseUrl = slack.responseUrl(`cmd-${triggers}`);
      const triggerId = `trig-${triggers}`;
      const res = await post({
        body: form({
          command: '/campaign', text, user_id: user, user_name: user.toLowerCase(), team_id: 'T1', channel_id: 'CCHAN', channel_name: 'marketing',
          response_url: responseUrl, trigger_id: triggerId, api_app_id: 'A1', token: 'legacy', ...extra,
        }),
      });
      return { status: res.status, responseUrl, triggerId };
    },
    action(payload) {
      return post({ body: payloadForm(payload) });
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await edge.stop();
      await slack.stop();
      await t.close();
    },
  };
}

/** A harness that delivers email: the SMTP sink it sends to, with everything closed by `close()`. */
export interface EmailSlackHarness extends SlackHarness {
  sink: SmtpSink;
}

/**
 * The Slack harness with real email delivery: nodemailer (pooled, 5 connections) to an in-process
 * smtp-server, no pacing, a fixed random; an email template `Welcome` and a list `Crowd` of three
 * contacts (a@, b@, c@crowd.example.com), for the tests that send from Slack and watch what the
 * recipients receive.
 */
export async function createEmailSlackHarness(options: { env: NodeJS.ProcessEnv; slack?: Partial<NonNullable<Config['slack']>> }): Promise<EmailSlackHarness> {
  const sink = await startSmtpSink();
  const provider = new SmtpEmailProvider({ url: sink.url, poolSize: 5, dkim: null });
  let h: SlackHarness | undefined;
  try {
    h = await createSlackHarness('embedded', { env: options.env, overrides: { providers: { email: provider }, pacer: noPacing, random: () => 0.5 }, slack: options.slack });
    await ok(h.t, 'templates create Welcome --channel email --subject "Hi {{ first_name }}" --text "Hello {{ first_name }}" --from-email news@example.com', USERS.marketer);
    await importContacts(h.t, 'Crowd', 'email,first_name', ['a@crowd.example.com,A', 'b@crowd.example.com,B', 'c@crowd.example.com,C']);
  } catch (error) {
    await h?.close();
    await provider.close();
    await sink.close();
    throw error;
  }
  const harness = h;
  return {
    ...harness,
    sink,
    async close() {
      await harness.close();
      await provider.close();
      await sink.close();
    },
  };
}

/**
 * A block_actions payload for a card button, as Slack sends it from a channel message. Each call is
 * a new press: its action_ts is 10 s after the previous one's (presses of a modal-opening button
 * within 3 s are one press); pass `actionTs` to make a double click.
 */
export function buttonClick(input: { actionId: string; value: string; user: string; responseUrl: string; messageTs?: string; actionTs?: string; ephemeral?: boolean; blockId?: string }) {
  triggers += 1;
  return {
    type: 'block_actions',
    team: { id: 'T1', domain: 'acme' },
    user: { id: input.user, username: input.user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    container: { type: 'message', message_ts: input.messageTs ?? '1700000000.000100', channel_id: 'CCHAN', is_ephemeral: input.ephemeral ?? false },
    trigger_id: `trig-btn-${triggers}`,
    channel: { id: 'CCHAN', name: 'marketing' },
    message: { type: 'message', ts: input.messageTs ?? '1700000000.000100', text: 'card' },
    response_url: input.responseUrl,
    actions: [{ type: 'button', action_id: input.actionId, block_id: input.blockId ?? 'card', value: input.value, action_ts: input.actionTs ?? `${1800000000 + triggers * 10}.000001`, text: { type: 'plain_text', text: 'x' } }],
  };
}

/** The same payload delivered again by Slack (it got no answer in time): same body, X-Slack-Retry-Num set. */
export const SLACK_RETRY = { 'x-slack-retry-num': '1', 'x-slack-retry-reason': 'http_timeout' } as const;

/** A view_submission payload: `values` maps block_id -> action_id -> state value; `blocks` are the view's, as Slack echoes them. */
export function viewSubmission(input: { callbackId: string; user: string; values: Record<string, Record<string, unknown>>; privateMetadata: string; viewId?: string; blocks?: unknown[] }) {
  return {
    type: 'view_submission',
    team: { id: 'T1', domain: 'acme' },
    user: { id: input.user, username: input.user.toLowerCase(), team_id: 'T1' },
    api_app_id: 'A1',
    token: 'legacy',
    trigger_id: `trig-view-${++triggers}`,
    view: {
      id: input.viewId ?? `VSUB${triggers}`,
      team_id: 'T1',
      type: 'modal',
      callback_id: input.callbackId,
      private_metadata: input.privateMetadata,
      hash: `h${triggers}`,
      blocks: input.blocks ?? [],
      title: { type: 'plain_text', text: 'x' },
      state: { values: input.values },
      app_id: 'A1',
      bot_id: 'BHERALD',
    },
  };
}

export const text = (value: string) => ({ type: 'plain_text_input', value });
export const select = (value: string) => ({ type: 'static_select', selected_option: { value, text: { type: 'plain_text', text: value } } });
export const date = (value: string) => ({ type: 'datepicker', selected_date: value });
export const time = (value: string) => ({ type: 'timepicker', selected_time: value });

/**
 * The state Slack submits for a view nobody touched: every input block with the value it was opened
 * with (initial_value, initial_option, initial_options, initial_date, initial_time). `changes`
 * replaces some, as a person typing in the modal would.
 */
export function valuesAsOpened(view: { blocks: any[] }, changes: Record<string, Record<string, unknown>> = {}): Record<string, Record<string, unknown>> {
  const values: Record<string, Record<string, unknown>> = {};
  for (const b of view.blocks) {
    if (b.type !== 'input') continue;
    const e = b.element;
    const state =
      e.type === 'plain_text_input' ? { type: e.type, value: e.initial_value ?? null }
      : e.type === 'static_select' ? { type: e.type, selected_option: e.initial_option ?? null }
      : e.type === 'multi_static_select' ? { type: e.type, selected_options: e.initial_options ?? [] }
      : e.type === 'datepicker' ? { type: e.type, selected_date: e.initial_date ?? null }
      : e.type === 'timepicker' ? { type: e.type, selected_time: e.initial_time ?? null }
      : { type: e.type };
    values[b.block_id] = { [e.action_id]: state };
  }
  return { ...values, ...changes };
}
