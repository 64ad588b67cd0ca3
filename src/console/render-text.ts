import type { Reply, ReplyBlock } from '../commands/reply.js';

/** The plain-text rendering of a reply: what Slack shows, without the formatting. */
export function renderText(reply: Reply): string {
  return reply.blocks.map(renderBlock).join('\n').replace(/\n{3,}/g, '\n\n');
}

function renderBlock(block: ReplyBlock): string {
  switch (block.type) {
    case 'header':
      return `${block.text}\n${'='.repeat(Math.min(block.text.length, 72))}`;
    case 'text':
      return plain(block.text);
    case 'fields': {
      const width = Math.max(...block.fields.map(([label]) => label.length));
      return block.fields.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`).join('\n');
    }
    case 'table':
      return renderTable(block.columns, block.rows);
    case 'list':
      return block.items.map((item) => `  - ${plain(item)}`).join('\n');
    case 'warning':
      return `Warning: ${plain(block.text)}`;
    case 'context':
      return `(${plain(block.text)})`;
    case 'divider':
      return '';
  }
}

/**
 * Slack mrkdwn to plain text: drop *bold*, _italic_ and `code` markers, keep the words. A marker
 * pair must hug its words (as in Slack): the stars of a cron expression, `0 9 * * 1`, stay.
 */
export function plain(text: string): string {
  return text
    .replace(/(^|[\s(])\*([^*\s](?:[^*\n]*[^*\s])?)\*(?=$|[\s).,:;!?])/gm, '$1$2')
    .replace(/(^|[\s(])_([^_\s](?:[^_\n]*[^_\s])?)_(?=$|[\s).,:;!?])/gm, '$1$2')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/^• /gm, '  ');
}

function renderTable(columns: string[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
