import type { CampaignAction, CampaignStatus } from '../domain/campaign/campaign-status.js';
import type { ChartSpec } from '../domain/ports/chart-renderer.js';

/**
 * What a command answers, independent of where it is shown: the console renders it as plain text,
 * the Slack edge as Block Kit. `text` is the one-line fallback Slack shows in notifications.
 */
export type ReplyBlock =
  | { type: 'header'; text: string }
  | { type: 'text'; text: string }
  | { type: 'fields'; fields: [label: string, value: string][] }
  | { type: 'table'; columns: string[]; rows: string[][] }
  | { type: 'list'; items: string[] }
  | { type: 'warning'; text: string }
  | { type: 'context'; text: string }
  | { type: 'divider' };

/** The campaign a reply is about, so an edge can add its action buttons (Slack's card). */
export interface ReplyCampaign {
  id: number;
  name: string;
  status: CampaignStatus;
  /** What people may do to it now (the state machine's table). */
  actions: readonly CampaignAction[];
  /** The campaign's version this reply shows: an edge that draws buttons tells a click on this state from a later one. */
  version: number;
  /** Messages a retry would pick up (failed and unknown): no Retry button when there are none. */
  retryable: number;
}

export interface Reply {
  ok: boolean;
  text: string;
  blocks: ReplyBlock[];
  /** Private to the person (errors, personal lists) or visible to the channel (state changes). */
  visibility: 'ephemeral' | 'in_channel';
  /** Set when the reply shows one campaign (show, and every change that answers with the card). */
  campaign?: ReplyCampaign;
  /**
   * The people (actor ids: creators, requesters, deciders) the reply's text names, so an edge can
   * show them as people where it has them (Slack: `<@U123>` mentions); the console shows the ids.
   */
  people?: readonly string[];
  /**
   * The stable code behind the reply, for edges that act on it (Slack maps field errors, opens a
   * confirmation): the domain error code or syntax error code of a refusal, or
   * `CONFIRMATION_REQUIRED` when the command only counted and waits for `--confirm`.
   */
  code?: string;
  /**
   * The input field a refusal concerns (`name`, `at`, `template`, `confirm`…, the domain's and the
   * grammar's `details.field`): each edge shows it its own way (the console names the flag, a Slack
   * modal puts the error under that field's block).
   */
  field?: string;
  /** A refusal's parts, so an edge can word it its own way: the code's lead and the message. */
  problem?: { lead: string; message: string };
  /**
   * The reply waits for a confirmation (code CONFIRMATION_REQUIRED): the field that confirms and
   * the value to give it (the campaign id typed back). The console says "--confirm C-1042", a Slack
   * modal its Confirm button.
   */
  confirm?: { field: string; value?: string };
  /** Files that go with the reply (the rejected rows of an import), for edges that can post files. */
  files?: readonly ReplyFile[];
  /**
   * Charts that go with the reply (stats, compare), as specs: each edge draws them its own way (the
   * console writes PNG files and prints where, Slack uploads them and shows image blocks); a chart
   * that cannot be drawn is said in one line and never fails the reply.
   */
  charts?: readonly ChartSpec[];
  /** Files the command wrote on Herald's disk (an export), for edges that post files: Slack uploads them, the console names the path. */
  savedFiles?: readonly SavedFile[];
  /** Set when the reply is a campaign's click map (`links <id>`), so an edge can offer to edit each link (Slack's Edit buttons). */
  linkMap?: ReplyLinkMap;
}

/** The links a click map shows, in its order: ids and destinations only; an edit re-reads and re-checks everything. */
export interface ReplyLinkMap {
  campaignId: number;
  campaignName: string;
  links: readonly { id: number; url: string; originalUrl: string }[];
}

/** A file written on Herald's disk that goes with a reply: where it is, its name and title, the line posted with it. */
export interface SavedFile {
  path: string;
  name: string;
  title: string;
  comment: string;
}

/** A file a reply carries: its name, title, text content and the line posted with it. */
export interface ReplyFile {
  name: string;
  title: string;
  content: string;
  comment: string;
}

export function reply(text: string, blocks: ReplyBlock[] = [], visibility: Reply['visibility'] = 'ephemeral'): Reply {
  return { ok: true, text, blocks: blocks.length ? blocks : [{ type: 'text', text }], visibility };
}

export function errorReply(text: string, blocks: ReplyBlock[] = []): Reply {
  return { ok: false, text, blocks: [{ type: 'text', text }, ...blocks], visibility: 'ephemeral' };
}

export function warnings(list: readonly string[]): ReplyBlock[] {
  return list.map((text) => ({ type: 'warning', text }));
}
