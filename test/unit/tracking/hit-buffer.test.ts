import { describe, expect, it } from 'vitest';
import { HitBuffer } from '../../../src/domain/tracking/hit-buffer.js';
import type { Hit } from '../../../src/domain/tracking/classify-hit.js';

const hit = (n: number): Hit => ({ kind: 'open', at: new Date(0), method: 'GET', userAgent: null, ip: null, messageId: String(n), linkId: null, linksInMessage: null, hasPixel: true });

describe('HitBuffer', () => {
  const options = { maxBatch: 3, intervalMs: 60_000, maxPending: 100, onError: () => {}, onDropped: () => {} };

  it('writes a full batch at once and the rest on flush, in order, never two writes at once', async () => {
    const written: string[][] = [];
    let active = 0;
    let overlapped = false;
    const buffer = new HitBuffer(async (batch) => {
      active++;
      if (active > 1) overlapped = true;
      await new Promise((r) => setImmediate(r));
      written.push(batch.map((h) => h.messageId));
      active--;
    }, options);
    for (let i = 1; i <= 7; i++) buffer.add(hit(i));
    await buffer.flush();
    expect(written.flat()).toEqual(['1', '2', '3', '4', '5', '6', '7']);
    expect(written.every((b) => b.length <= 3)).toBe(true);
    expect(overlapped).toBe(false);
    expect(buffer.size).toBe(0);
  });

  it('keeps writing full batches while hits arrive during the writes, not one small write per hit past the batch size', async () => {
    const sizes: number[] = [];
    const buffer = new HitBuffer(async (batch) => {
      await new Promise((r) => setImmediate(r));
      sizes.push(batch.length);
    }, { ...options, maxBatch: 5 });
    // One hit a tick, as a steady load does: every write overlaps the hits that come in meanwhile.
    // A flush (the timer's) writes what is held then, not every hit that comes in while it writes.
    for (let i = 1; i <= 42; i++) {
      buffer.add(hit(i));
      if (i === 18) void buffer.flush();
      await new Promise((r) => setImmediate(r));
    }
    await buffer.flush();
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(42);
    expect(sizes.filter((n) => n !== 5).length).toBeLessThanOrEqual(2);
    expect(sizes.length).toBeLessThanOrEqual(10);
  });

  it('keeps a failed batch for the next attempt, and close writes what is held', async () => {
    let fail = 2;
    const written: string[] = [];
    const errors: number[] = [];
    const buffer = new HitBuffer(async (batch) => {
      if (fail-- > 0) throw new Error('database away');
      written.push(...batch.map((h) => h.messageId));
    }, { ...options, maxBatch: 10, onError: (_e, pending) => errors.push(pending) });
    buffer.add(hit(1));
    buffer.add(hit(2));
    await expect(buffer.flush()).rejects.toThrow('database away');
    expect(buffer.size).toBe(2);
    await buffer.close(3);
    expect(written).toEqual(['1', '2']);
    expect(errors).toEqual([2, 2]);
  });

  it('drops the oldest past maxPending and says how many', () => {
    const dropped: number[] = [];
    const buffer = new HitBuffer(async () => {}, { ...options, maxBatch: 1000, maxPending: 5, onDropped: (n) => dropped.push(n) });
    for (let i = 0; i < 7; i++) buffer.add(hit(i));
    expect(buffer.size).toBe(5);
    expect(dropped).toEqual([1, 1]);
  });
});
