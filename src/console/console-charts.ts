import type { Reply } from '../commands/reply.js';
import type { ChartRenderer } from '../domain/ports/chart-renderer.js';
import type { Clock } from '../domain/ports/clock.js';
import { chartFolderName, chartLines, chartsForConsole } from './write-chart-files.js';

/**
 * The console's way of showing a reply's charts: draw them, write the PNGs under
 * `<dataDir>/charts/<command>-<first chart>-<time>/` and answer the lines to print (where each file
 * is, or in one line why a chart was not drawn). A failure to draw or write never fails the command.
 */
export function consoleCharts(options: { renderer: ChartRenderer; dataDir: string; clock: Clock }): (reply: Reply, line: string) => Promise<string[]> {
  return async (reply, line) => {
    const specs = reply.charts ?? [];
    if (specs.length === 0) return [];
    const command = (line.replace(/^\/?campaign\s+/i, '').split(/\s+/)[0] ?? 'report').toLowerCase().replace(/[^a-z0-9-]/g, '');
    const first = specs[0]!.name;
    const report = (first.startsWith(`${command}-`) ? first : `${command || 'report'}-${first}`).slice(0, 60).replace(/-+$/, '');
    try {
      return chartLines(await chartsForConsole(options.renderer, specs, options.dataDir, chartFolderName(report, options.clock.now())));
    } catch (error) {
      return [`Charts not written: ${error instanceof Error ? error.message : String(error)}`];
    }
  };
}
