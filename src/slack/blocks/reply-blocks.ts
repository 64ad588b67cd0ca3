import type { types } from '@slack/bolt';
import type { Reply, ReplyBlock } from '../../commands/reply.js';
import { mentionsFor, type Mentions } from './mentions.js';
import { chunkText, cut, escapeMrkdwn, LIMITS } from './mrkdwn.js';

export type KnownBlock = types.KnownBlock;

/** What Slack gets for one message: Block Kit plus the plain-text fallback shown in notifications. */
export interface SlackMessage {
  text: string;
  blocks: KnownBlock[];
}

const CODE_FENCE = 8; // "```\n" + "\n```"
const MAX_CELL = 40;

export function section(text: string): KnownBlock {
  return { type: 'section', text: { type: 'mrkdwn', text: cut(text, LIMITS.sectionText) } };
}

export function context(text: string): KnownBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: cut(text, LIMITS.contextText) }] };
}

export function header(text: string): KnownBlock {
  return { type: 'header', text: { type: 'plain_text', text: cut(text, LIMITS.headerText), emoji: true } };
}

export function fallbackText(text: string): string {
  return cut(text, LIMITS.fallbackText);
}

/**
 * Turns a command Reply into a Slack message within `maxBlocks` (50 for a message; less when the
 * caller adds its own blocks, e.g. the card's buttons). Content that does not fit is cut at a row
 * boundary and a last context line says how much was left out and how to see the rest.
 */
export function replyToMessage(reply: Reply, maxBlocks: number = LIMITS.messageBlocks): SlackMessage {
  const people = mentionsFor(reply.people);
  const rendered = reply.blocks.flatMap((b) => renderBlock(b, people));
  return { text: fallbackText(people.apply(reply.text)), blocks: fitBlocks(rendered, maxBlocks) };
}

/** Each rendered piece remembers how many table rows or list items it holds, to say "N more". */
interface Piece {
  block: KnownBlock;
  rows: number;
  /** Pagination hint shown by the reply itself ("next: /campaign list --page 2"). */
  hint?: string;
}

function renderBlock(block: ReplyBlock, people: Mentions): Piece[] {
  const mrkdwn = (text: string) => people.apply(escapeMrkdwn(text));
  switch (block.type) {
    case 'header':
      return [{ block: header(block.text), rows: 0 }];
    case 'text':
      return chunkText(mrkdwn(block.text), LIMITS.sectionText).map((t) => ({ block: section(t), rows: 0 }));
    case 'warning':
      return chunkText(`:warning: ${mrkdwn(block.text)}`, LIMITS.sectionText).map((t) => ({ block: section(t), rows: 0 }));
    case 'context':
      return [{ block: context(mrkdwn(block.text)), rows: 0, hint: block.text }];
    case 'divider':
      return [{ block: { type: 'divider' }, rows: 0 }];
    case 'fields':
      return fieldSections(block.fields, mrkdwn);
    case 'list':
      return linesToSections(block.items.map((i) => `• ${mrkdwn(i)}`), false);
    case 'table': {
      const pieces = linesToSections(tableLines(block.columns, block.rows), true);
      // A code block shows `<@U1>` as typed, so the table keeps the ids and the people follow it.
      const named = people.among(block.rows.flat());
      return named.length ? [...pieces, { block: context(cut(`People: ${named.map((id) => `<@${id}> is ${id}`).join(' · ')}`, LIMITS.contextText)), rows: 0 }] : pieces;
    }
  }
}

function fieldSections(fields: [string, string][], mrkdwn: (text: string) => string): Piece[] {
  const pieces: Piece[] = [];
  for (let i = 0; i < fields.length; i += LIMITS.fieldsPerSection) {
    const group = fields.slice(i, i + LIMITS.fieldsPerSection);
    pieces.push({
      block: {
        type: 'section',
        fields: group.map(([label, value]) => ({ type: 'mrkdwn' as const, text: cut(`*${escapeMrkdwn(label)}*\n${mrkdwn(value || '—')}`, LIMITS.fieldText) })),
      },
      rows: 0,
    });
  }
  return pieces;
}

/** Tables as a monospace block: Slack has no table block, and aligned columns read well in code. */
export function tableLines(columns: string[], rows: string[][]): string[] {
  const all = [columns, ...rows].map((r) => r.map((c) => cut((c ?? '').replace(/\s+/g, ' '), MAX_CELL)));
  const widths = columns.map((_, i) => Math.max(...all.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(all[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...all.slice(1).map((r) => escapeMrkdwn(line(r)))];
}

/** Packs lines into as few sections as fit in 3,000 characters; table sections are code blocks. */
function linesToSections(lines: string[], code: boolean): Piece[] {
  const budget = LIMITS.sectionText - (code ? CODE_FENCE : 0);
  const headerRows = code ? 2 : 0;
  const pieces: Piece[] = [];
  let current: string[] = [];
  let length = 0;
  let dataRows = 0;
  const flush = () => {
    if (current.length === 0) return;
    const body = current.map((l) => cut(l, budget)).join('\n');
    pieces.push({ block: section(code ? `\`\`\`\n${body}\n\`\`\`` : body), rows: dataRows });
    current = [];
    length = 0;
    dataRows = 0;
  };
  lines.forEach((l, index) => {
    const add = Math.min(l.length, budget) + 1;
    if (length + add > budget) flush();
    current.push(l);
    length += add;
    if (index >= headerRows) dataRows += 1;
  });
  flush();
  return pieces;
}

function fitBlocks(pieces: Piece[], maxBlocks: number): KnownBlock[] {
  if (pieces.length <= maxBlocks) return pieces.map((p) => p.block);
  // Keep the reply's own last context line (it usually says how to get the next page).
  const last = pieces[pieces.length - 1]!;
  const tail = last.block.type === 'context' ? [last] : [];
  const body = pieces.slice(0, pieces.length - tail.length);
  const room = maxBlocks - tail.length - 1;
  const shown = body.slice(0, room);
  const hidden = body.slice(room);
  const hiddenRows = hidden.reduce((n, p) => n + p.rows, 0);
  const hint = tail[0]?.hint?.includes('--page') ? ' The last line says how to get the next page.' : ' Narrow it with filters, or use --page / --limit where the command takes them.';
  const note = context(hiddenRows > 0 ? `…${hiddenRows} more rows not shown (Slack allows ${LIMITS.messageBlocks} blocks per message).${hint}` : `…${hidden.length} more blocks not shown.${hint}`);
  return [...shown.map((p) => p.block), note, ...tail.map((p) => p.block)];
}
