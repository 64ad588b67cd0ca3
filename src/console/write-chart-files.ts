import fs from 'node:fs/promises';
import path from 'node:path';
import type { ChartRenderer, ChartSpec } from '../domain/ports/chart-renderer.js';

/** Under HERALD_DATA_DIR: one folder per report, one PNG per chart. */
export const CHARTS_FOLDER = 'charts';
const SAFE_NAME = /^[a-z0-9][a-z0-9-]{0,99}$/;

/** A drawn chart to write: its file-name stem, its title (printed beside the path) and its PNG. */
export interface ChartPng {
  name: string;
  title: string;
  png: Uint8Array;
}

/**
 * A report's folder name from what it is about and the time it was made (given, not read from the
 * clock here), in UTC to the second: `stats-c12-20261201-090507utc`, so a folder list sorts by time.
 */
export function chartFolderName(report: string, at: Date): string {
  const iso = at.toISOString();
  const stamp = `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}utc`;
  return `${report}-${stamp}`.toLowerCase();
}

/**
 * Writes each chart to `<dataDir>/charts/<folder>/<name>.png` for the console (which cannot show
 * pictures) and answers where, in order, to print. Each file is written whole under a temporary name
 * and then renamed, so a PNG that is there is complete.
 */
export async function writeChartFiles(dataDir: string, folder: string, charts: readonly ChartPng[]): Promise<{ title: string; path: string }[]> {
  if (!SAFE_NAME.test(folder)) throw new Error(`chart folder "${folder.slice(0, 40)}" must be lower-case letters, digits and dashes`);
  const names = new Set<string>();
  for (const c of charts) {
    if (!SAFE_NAME.test(c.name)) throw new Error(`chart name "${c.name.slice(0, 40)}" must be lower-case letters, digits and dashes`);
    if (names.has(c.name)) throw new Error(`two charts are named "${c.name}"`);
    names.add(c.name);
  }
  const dir = path.join(path.resolve(dataDir), CHARTS_FOLDER, folder);
  await fs.mkdir(dir, { recursive: true });
  const written: { title: string; path: string }[] = [];
  for (const c of charts) {
    const file = path.join(dir, `${c.name}.png`);
    const partial = `${file}.${process.pid}.partial`;
    await fs.writeFile(partial, c.png);
    await fs.rename(partial, file);
    written.push({ title: c.title, path: file });
  }
  return written;
}

/** What the console prints for a report's charts: where each drawn one is, and why any other is not. */
export interface ConsoleCharts {
  written: { title: string; path: string }[];
  missing: { title: string; reason: string }[];
}

/** Draws each chart (one after the other) and writes the PNGs of those drawn; see writeChartFiles. */
export async function chartsForConsole(renderer: ChartRenderer, specs: readonly ChartSpec[], dataDir: string, folder: string): Promise<ConsoleCharts> {
  const drawn: ChartPng[] = [];
  const missing: ConsoleCharts['missing'] = [];
  for (const spec of specs) {
    const result = await renderer.render(spec);
    if (result.ok) drawn.push({ name: spec.name, title: spec.title, png: result.png });
    else missing.push({ title: spec.title, reason: result.reason });
  }
  return { written: drawn.length > 0 ? await writeChartFiles(dataDir, folder, drawn) : [], missing };
}

/** The console's lines for them: `Chart: <title>: <path>`, `Chart not drawn: <title> (<reason>)`. */
export function chartLines(charts: ConsoleCharts): string[] {
  return [...charts.written.map((c) => `Chart: ${c.title}: ${c.path}`), ...charts.missing.map((m) => `Chart not drawn: ${m.title} (${m.reason})`)];
}
