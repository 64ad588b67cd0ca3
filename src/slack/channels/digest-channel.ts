import type { webApi } from '@slack/bolt';
import { AppError } from '../../domain/errors.js';
import type { ChartRenderer } from '../../domain/ports/chart-renderer.js';
import type { DigestPublisher, PublishedDigest } from '../../domain/ports/digest-publisher.js';
import type { Digest } from '../../domain/reports/digest.js';
import { digestMessages } from '../blocks/digest-message.js';
import { chartsForSlack, type SlackCharts } from '../charts/chart-blocks.js';
import type { UploadChartOptions } from '../charts/upload-chart.js';
import type { SlackLogger } from '../slack-context.js';
import type { ChannelPoster } from './channel-poster.js';

export interface DigestChannelOptions {
  poster: ChannelPoster;
  client: webApi.WebClient;
  /** SLACK_DIGEST_CHANNEL, or null when none is configured. */
  channel: string | null;
  renderer?: ChartRenderer;
  logger: Pick<SlackLogger, 'warn'>;
  upload?: UploadChartOptions;
}

/**
 * Posts digests to the managers' channel: the charts drawn and uploaded (shown by slack_file id, so
 * no public image URL), the first message through the channel poster (paced with Herald's other
 * posts), and the rest of a long digest as thread replies under it. A chart that cannot be drawn
 * is said in the message; a message Slack refuses is an error naming the channel setting.
 */
export function digestChannel(options: DigestChannelOptions): DigestPublisher {
  return {
    channel: options.channel,
    async publish(digest: Digest): Promise<PublishedDigest> {
      const channel = options.channel;
      if (!channel) throw new AppError('NOT_AVAILABLE', 'The digest has no channel to go to: set SLACK_DIGEST_CHANNEL to the managers’ channel id (C…).', { field: 'post' });
      let charts: SlackCharts = { blocks: [], missing: [] };
      if (digest.charts.length && options.renderer) {
        try {
          charts = await chartsForSlack(options.client, options.renderer, digest.charts, options.upload);
        } catch (error) {
          charts = { blocks: [], missing: digest.charts.map((c) => ({ title: c.title, reason: error instanceof Error ? error.message : String(error) })) };
        }
      } else if (digest.charts.length) {
        charts.missing = digest.charts.map((c) => ({ title: c.title, reason: 'this Herald has no chart service' }));
      }
      const [first, ...rest] = digestMessages(digest, charts);
      const posted = await options.poster.post(channel, first!);
      if (!posted) {
        throw new AppError('NOT_AVAILABLE', `Slack did not take the digest in ${channel} (SLACK_DIGEST_CHANNEL): check the channel id and that Herald is invited to it.`, { field: 'post' });
      }
      let replies = 0;
      for (const message of rest) {
        if (await options.poster.post(posted.channel, message, { threadTs: posted.ts })) replies += 1;
        else options.logger.warn('digest: a thread reply was not posted', { channel: posted.channel, threadTs: posted.ts, day: digest.period.day });
      }
      return { channel: posted.channel, ts: posted.ts, replies };
    },
  };
}
