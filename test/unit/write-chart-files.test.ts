import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { chartFolderName, writeChartFiles } from '../../src/console/write-chart-files.js';

describe('console charts: PNG files under HERALD_DATA_DIR', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'herald-charts-'));
  afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));
  const png = (n: number) => new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, n]);

  it('names a report folder from what it is and the given time, sortable and safe in any file system', () => {
    expect(chartFolderName('stats-c12', new Date('2026-12-01T09:05:07.250Z'))).toBe('stats-c12-20261201-090507utc');
  });

  it('writes each chart whole into the report folder and answers the paths in order, leaving no partial files', async () => {
    const folder = chartFolderName('compare-c12-c13', new Date('2026-12-01T09:00:00Z'));
    const written = await writeChartFiles(dataDir, folder, [
      { name: 'activity-c12', title: 'Sends per hour', png: png(1) },
      { name: 'compare-funnel-c12-c13', title: 'Funnels compared', png: png(2) },
    ]);
    const dir = path.join(dataDir, 'charts', folder);
    expect(written).toEqual([
      { title: 'Sends per hour', path: path.join(dir, 'activity-c12.png') },
      { title: 'Funnels compared', path: path.join(dir, 'compare-funnel-c12-c13.png') },
    ]);
    expect([...fs.readFileSync(written[1]!.path)]).toEqual([...png(2)]);
    expect(fs.readdirSync(dir).sort()).toEqual(['activity-c12.png', 'compare-funnel-c12-c13.png']);
    // Written again (the same report twice in one second): replaced, still whole.
    await writeChartFiles(dataDir, folder, [{ name: 'activity-c12', title: 'Sends per hour', png: png(3) }]);
    expect([...fs.readFileSync(written[0]!.path)]).toEqual([...png(3)]);
  });

  it('refuses names that could leave the folder, and two charts with one name', async () => {
    await expect(writeChartFiles(dataDir, '../escape', [])).rejects.toThrow(/chart folder "..\/escape" must be lower-case/);
    await expect(writeChartFiles(dataDir, 'ok', [{ name: '../../x', title: 't', png: png(0) }])).rejects.toThrow(/chart name/);
    await expect(writeChartFiles(dataDir, 'ok', [{ name: 'a', title: 't', png: png(0) }, { name: 'a', title: 'u', png: png(0) }])).rejects.toThrow(/two charts are named "a"/);
    expect(fs.existsSync(path.join(dataDir, 'charts', 'ok'))).toBe(false);
  });
});
