import { afterAll, describe, expect, it, vi } from 'vitest';
import { ChartDrawer } from '../../src/http/chart/chart-drawer.js';
import type { ChartRequest } from '../../src/http/chart/chart-request.js';
import { ChartDrawError } from '../../src/http/chart/draw-errors.js';

const BAR: ChartRequest = { config: { type: 'bar', data: { labels: ['a', 'b'], datasets: [{ label: 'x', data: [1, 2] }] } }, width: 300, height: 200, devicePixelRatio: 1, backgroundColor: '#ffffff' };

describe('ChartDrawer: Chart.js in a worker thread', () => {
  const drawer = new ChartDrawer();
  afterAll(() => drawer.close());

  it('draws PNGs off the event loop, several queued at once', async () => {
    const pngs = await Promise.all([drawer.draw(BAR), drawer.draw({ ...BAR, width: 400 }), drawer.draw({ ...BAR, devicePixelRatio: 2 })]);
    expect(pngs.map((p) => [p.subarray(1, 4).toString('latin1'), p.readUInt32BE(16), p.readUInt32BE(20)])).toEqual([
      ['PNG', 300, 200],
      ['PNG', 400, 200],
      ['PNG', 600, 400],
    ]);
  });

  it('tells a config Chart.js cannot draw (the caller’s 400) from a failure of its own', async () => {
    const refused = drawer.draw({ ...BAR, config: { ...BAR.config, options: { scales: { x: { type: 'time' } } } } });
    await expect(refused).rejects.toBeInstanceOf(ChartDrawError);
    await expect(refused).rejects.toThrow('"time" is not a registered scale');
  });

  it('fails what a dead worker was drawing and starts a new one for the next chart', async () => {
    const drawing = drawer.draw(BAR);
    // The worker dies under the job (a crash in native code would look the same).
    await (drawer as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    await expect(drawing).rejects.toThrow(/the chart worker stopped \(exit code 1\)/);
    expect((await drawer.draw(BAR)).readUInt32BE(16)).toBe(300);
  });

  it('starts its worker at the first chart only and stops it once idle, starting another for the next chart', async () => {
    const idle = new ChartDrawer({ idleMs: 20 });
    try {
      expect(idle.running).toBe(false);
      expect((await idle.draw(BAR)).readUInt32BE(16)).toBe(300);
      expect(idle.running).toBe(true);
      await vi.waitFor(() => expect(idle.running).toBe(false), { timeout: 5_000, interval: 10 });
      expect((await idle.draw(BAR)).readUInt32BE(16)).toBe(300);
    } finally {
      await idle.close();
    }
  });
});
