import { expect } from 'vitest';

/**
 * Checks a message Herald posts by itself against Slack's limits (NOTES.md): at most 50 blocks,
 * section text 3,000, fields 10 × 2,000, header 150, context 2,000, button text 75, and a
 * non-empty plain-text fallback of at most 3,000 characters.
 */
export function assertPostable(message: { text?: unknown; blocks?: unknown }): void {
  expect(typeof message.text).toBe('string');
  expect((message.text as string).length).toBeGreaterThan(0);
  expect((message.text as string).length).toBeLessThanOrEqual(3000);
  const blocks = (typeof message.blocks === 'string' ? JSON.parse(message.blocks) : message.blocks) as any[];
  expect(Array.isArray(blocks)).toBe(true);
  expect(blocks.length).toBeLessThanOrEqual(50);
  for (const b of blocks) {
    if (b.type === 'section') {
      if (b.text) expect(b.text.text.length).toBeLessThanOrEqual(3000);
      if (b.fields) {
        expect(b.fields.length).toBeLessThanOrEqual(10);
        for (const f of b.fields) expect(f.text.length).toBeLessThanOrEqual(2000);
      }
      if (b.accessory?.type === 'button') expect(b.accessory.text.text.length).toBeLessThanOrEqual(75);
    }
    if (b.type === 'header') expect(b.text.text.length).toBeLessThanOrEqual(150);
    if (b.type === 'context') for (const e of b.elements) expect(e.text.length).toBeLessThanOrEqual(2000);
    if (b.type === 'actions') {
      expect(b.elements.length).toBeLessThanOrEqual(25);
      for (const e of b.elements) expect(e.text.text.length).toBeLessThanOrEqual(75);
    }
  }
}
