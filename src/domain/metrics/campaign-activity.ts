import type { MetricsStore, SeriesPoint } from '../ports/metrics-store.js';
import { bucketFor, type ActivityPoint, type ActivitySeries, type BucketSize } from '../reports/charts.js';

/**
 * A campaign's sends and human opens/clicks over time, in the account's zone: hours while the
 * activity spans up to three days, calendar days beyond (read again by day then). Null when nothing
 * was sent or hit yet.
 */
export async function campaignActivity(metrics: Pick<MetricsStore, 'activityOf'>, campaignId: number, timeZone: string): Promise<ActivitySeries | null> {
  let bucket: BucketSize = 'hour';
  let series = await metrics.activityOf(campaignId, bucket, timeZone);
  const times = [...series.sent, ...series.opens, ...series.clicks].map((p) => p.at.getTime());
  if (times.length === 0) return null;
  const from = new Date(Math.min(...times));
  const to = new Date(Math.max(...times) + 3_600_000);
  if (bucketFor(from, to) === 'day') {
    bucket = 'day';
    series = await metrics.activityOf(campaignId, bucket, timeZone);
  }
  return { bucket, points: mergeSeries(series) };
}

/** The three series as one list of points per bucket start. */
function mergeSeries(series: { sent: SeriesPoint[]; opens: SeriesPoint[]; clicks: SeriesPoint[] }): ActivityPoint[] {
  const byStart = new Map<number, ActivityPoint>();
  const at = (p: SeriesPoint) => {
    const key = p.at.getTime();
    let point = byStart.get(key);
    if (!point) byStart.set(key, (point = { at: p.at, sent: 0, opens: 0, clicks: 0 }));
    return point;
  };
  for (const p of series.sent) at(p).sent += p.count;
  for (const p of series.opens) at(p).opens += p.count;
  for (const p of series.clicks) at(p).clicks += p.count;
  return [...byStart.values()].sort((a, b) => a.at.getTime() - b.at.getTime());
}
