import type { webApi } from '@slack/bolt';
import type { Reply } from '../../commands/reply.js';
import type { ChartRenderer } from '../../domain/ports/chart-renderer.js';
import { context, type SlackMessage } from '../blocks/reply-blocks.js';
import { LIMITS } from '../blocks/mrkdwn.js';
import { chartsForSlack } from './chart-blocks.js';
import type { UploadChartOptions } from './upload-chart.js';

/**
 * A reply's message with its charts (Reply.charts) after it: each drawn, uploaded and shown as an
 * image block by slack_file id. A chart that cannot be drawn or uploaded is said in one line, and
 * the message keeps within Slack's 50 blocks (charts past them are said to be left out). Never throws
 * for a chart: the reply goes out with its figures in any case.
 */
export async function messageWithCharts(
  message: SlackMessage,
  reply: Reply,
  client: webApi.WebClient,
  renderer: ChartRenderer | undefined,
  options: UploadChartOptions = {},
): Promise<SlackMessage> {
  const specs = reply.charts ?? [];
  if (specs.length === 0) return message;
  if (!renderer) return { ...message, blocks: [...message.blocks, context(`Charts not drawn: this Herald has no chart service (${specs.length} left out).`)] };
  // One block kept for the line about charts that could not be shown.
  const room = Math.max(0, LIMITS.messageBlocks - message.blocks.length - 1);
  const shown = specs.slice(0, room);
  let charts;
  try {
    charts = await chartsForSlack(client, renderer, shown, options);
  } catch (error) {
    charts = { blocks: [], missing: shown.map((s) => ({ title: s.title, reason: error instanceof Error ? error.message : String(error) })) };
  }
  const lines = charts.missing.map((m) => `Chart not drawn: ${m.title} (${m.reason})`);
  if (specs.length > shown.length) lines.push(`${specs.length - shown.length} more chart${specs.length - shown.length === 1 ? '' : 's'} left out: the message is full.`);
  return { ...message, blocks: [...message.blocks, ...charts.blocks, ...(lines.length ? [context(lines.join('\n'))] : [])] };
}
