import { describe, expect, it } from 'vitest';
import type { Reply } from '../../../src/commands/reply.js';
import { renderText } from '../../../src/console/render-text.js';
import { replyToMessage } from '../../../src/slack/blocks/reply-blocks.js';

const reply: Reply = {
  ok: true,
  text: 'C-1 is waiting (asked by U0123ABCD)',
  visibility: 'in_channel',
  people: ['U0123ABCD', 'W0456EFGH', 'alice'],
  blocks: [
    { type: 'text', text: 'Approval A-7 is waiting (asked by U0123ABCD, <not a tag>); U0123ABCDX is someone else' },
    { type: 'fields', fields: [['Created', '2026-11-22 10:00 UTC by W0456EFGH'], ['Owner', 'alice']] },
    { type: 'list', items: ['cancel requested by U0123ABCD'] },
    { type: 'table', columns: ['When', 'Who', 'Action'], rows: [['10:00', 'U0123ABCD', 'create'], ['10:05', 'alice', 'edit']] },
    { type: 'context', text: 'decided by W0456EFGH' },
  ],
};

describe('people in replies rendered for Slack', () => {
  const m = replyToMessage(reply);
  const json = JSON.stringify(m.blocks);

  it('are mentions wherever Slack renders mrkdwn, and only the people the reply names', () => {
    expect(m.text).toBe('C-1 is waiting (asked by <@U0123ABCD>)');
    expect((m.blocks[0] as any).text.text).toBe('Approval A-7 is waiting (asked by <@U0123ABCD>, &lt;not a tag&gt;); U0123ABCDX is someone else');
    expect((m.blocks[1] as any).fields.map((f: any) => f.text)).toEqual(['*Created*\n2026-11-22 10:00 UTC by <@W0456EFGH>', '*Owner*\nalice']);
    expect((m.blocks[2] as any).text.text).toBe('• cancel requested by <@U0123ABCD>');
    expect((m.blocks.at(-1) as any).elements[0].text).toBe('decided by <@W0456EFGH>');
  });

  it('a table (monospace, where mentions do not render) keeps ids and is followed by who they are', () => {
    const table = m.blocks.findIndex((b: any) => b.text?.text?.startsWith('```'));
    expect((m.blocks[table] as any).text.text).toContain('U0123ABCD');
    expect((m.blocks[table] as any).text.text).not.toContain('<@');
    expect((m.blocks[table + 1] as any).elements[0].text).toBe('People: <@U0123ABCD> is U0123ABCD');
    expect(json).not.toContain('<@alice>');
  });

  it('the console keeps plain ids', () => {
    const text = renderText(reply);
    expect(text).toContain('asked by U0123ABCD');
    expect(text).not.toContain('<@');
  });

  it('a reply without people is unchanged', () => {
    const plain = replyToMessage({ ...reply, people: undefined });
    expect(JSON.stringify(plain.blocks)).not.toContain('<@');
  });
});
