import type { DigestPublisher } from '../domain/ports/digest-publisher.js';
import type { EventLog } from '../domain/ports/event-log.js';
import type { Notifier } from '../domain/ports/notifier.js';
import { buildDigest, digestText, type DigestDeps } from '../domain/reports/digest.js';
import type { Firing } from './job-registry.js';

export interface DailyDigestOptions {
  deps: DigestDeps;
  timeZone: string;
  /** The managers' channel (Slack); null or without a channel: the digest is told as a notification instead. */
  publisher: DigestPublisher | null;
  notifier: Notifier;
  log: EventLog;
}

/**
 * The daily-digest job's handler: the digest of the day before the firing's slot (in the account's
 * zone, so a digest fired late after downtime still covers the right day), posted to the managers'
 * channel when one is configured, else told as a `digest.ready` notification (the console prints
 * it, so the digest can be tried with no workspace). The registry claims each firing once across replicas.
 */
export function dailyDigest(options: DailyDigestOptions): (firing: Firing) => Promise<void> {
  return async (firing) => {
    const digest = await buildDigest(options.deps, { timeZone: options.timeZone, now: firing.fireAt });
    if (options.publisher?.channel) {
      const posted = await options.publisher.publish(digest);
      options.log('digest.posted', { day: digest.period.day, channel: posted.channel, ts: posted.ts, replies: posted.replies, campaigns: digest.campaigns.length });
      return;
    }
    options.notifier.notify({ kind: 'digest.ready', day: digest.period.day, text: digestText(digest), at: firing.fireAt });
    options.log('digest.told', { day: digest.period.day, campaigns: digest.campaigns.length, notPosted: options.publisher ? 'SLACK_DIGEST_CHANNEL is not set' : 'no Slack in this process' });
  };
}
