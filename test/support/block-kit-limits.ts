import { expect } from 'vitest';

/**
 * Walks a Block Kit tree and checks every limit NOTES.md lists: at most `maxBlocks` blocks (50 in a
 * message, 100 in a modal or Home), section text 3,000, fields 10 × 2,000, header 150, context
 * 2,000, button text 75 and value 2,000, 25 elements per actions block, 100 options per select (75 characters each).
 */
export function assertWithinLimits(blocks: any[], maxBlocks: number): void {
  expect(blocks.length).toBeLessThanOrEqual(maxBlocks);
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
      for (const e of b.elements) {
        if (e.type === 'button') expect(e.text.text.length).toBeLessThanOrEqual(75);
        if (e.value !== undefined) expect(String(e.value).length).toBeLessThanOrEqual(2000);
        if (e.options) {
          expect(e.options.length).toBeLessThanOrEqual(100);
          for (const o of e.options) expect(o.text.text.length).toBeLessThanOrEqual(75);
        }
      }
    }
    if (b.type === 'input' && b.element.options) expect(b.element.options.length).toBeLessThanOrEqual(100);
  }
}

/** A message Herald posts by itself: within the limits of a message, with a non-empty plain-text fallback of at most 3,000 characters. */
export function assertPostable(message: { text?: unknown; blocks?: unknown }): void {
  expect(typeof message.text).toBe('string');
  expect((message.text as string).length).toBeGreaterThan(0);
  expect((message.text as string).length).toBeLessThanOrEqual(3000);
  const blocks = (typeof message.blocks === 'string' ? JSON.parse(message.blocks) : message.blocks) as any[];
  expect(Array.isArray(blocks)).toBe(true);
  assertWithinLimits(blocks, 50);
}
