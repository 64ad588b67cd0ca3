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
      return block.text;
    case 'fields': {
      const width = Math.max(...block.fields.map(([label]) => label.length));
      return block.fields.map(([label, value]) => `${`${label}:`.padEnd(width + 2)}${value}`).join('\n');
    }
    case 'table':
      return renderTable(block.columns, block.rows);
    case 'list':
      return block.items.map((item) => `  - ${item}`).join('\n');
    case 'warning':
      return `Warning: ${block.text}`;
    case 'context':
      return `(${block.text})`;
    case 'divider':
      return '';
  }
}

function renderTable(columns: string[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(c.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
