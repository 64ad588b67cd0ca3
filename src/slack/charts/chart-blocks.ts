import type { types, webApi } from '@slack/bolt';
import type { ChartRenderer, ChartSpec } from '../../domain/ports/chart-renderer.js';
import { chartImageBlock } from './chart-image-block.js';
import { uploadChart, type UploadChartOptions } from './upload-chart.js';

/** What a report gets to show in Slack: one image block per chart that could be made, and why any other could not. */
export interface SlackCharts {
  blocks: types.ImageBlock[];
  missing: { title: string; reason: string }[];
}

/**
 * Draws each chart (one after the other: a chart server takes a few at a time), uploads it and
 * builds its image block. A chart that cannot be drawn or uploaded is listed in `missing` with the
 * reason, for the report to say so in words; nothing here throws for one chart's failure.
 */
export async function chartsForSlack(client: webApi.WebClient, renderer: ChartRenderer, specs: readonly ChartSpec[], options: UploadChartOptions = {}): Promise<SlackCharts> {
  const out: SlackCharts = { blocks: [], missing: [] };
  for (const spec of specs) {
    const drawn = await renderer.render(spec);
    if (!drawn.ok) {
      out.missing.push({ title: spec.title, reason: drawn.reason });
      continue;
    }
    const upload = await uploadChart(client, { name: spec.name, title: spec.title, png: drawn.png }, options);
    if (!upload.ok) out.missing.push({ title: spec.title, reason: upload.reason });
    else out.blocks.push(chartImageBlock({ fileId: upload.fileId, title: spec.title, altText: spec.altText, blockId: `chart-${spec.name}` }));
  }
  return out;
}
