/** A row of the status counts (kept by triggers as messages change). */
export interface StatusCountRow {
  runId: number;
  variant: string;
  status: string;
  category: string;
  count: number;
  segments: number;
  costMicros: number;
}

/** A row of the event counts (added to as hits are written): `open:human`, `open:human:unique`, `reason:click:scanner_head`… */
export interface EventCountRow {
  runId: number;
  variant: string;
  metric: string;
  count: number;
}

export interface RunRow {
  id: number;
  number: number;
  status: string;
}

/** One bucket of a time series: its start and how many things fell in it. */
export interface SeriesPoint {
  at: Date;
  count: number;
}

/** The count tables of one campaign: a few rows per run, whatever the number of messages. */
export interface MetricsStore {
  countsOf(campaignId: number): Promise<{ runs: RunRow[]; status: StatusCountRow[]; events: EventCountRow[] }>;
  /**
   * A campaign's activity over time, in buckets of an hour or a calendar day of `timeZone` (empty
   * buckets left out): messages sent (their send time, else their delivery time) and human opens and
   * clicks (tracking hits classified `human`).
   */
  activityOf(campaignId: number, bucket: 'hour' | 'day', timeZone: string): Promise<{ sent: SeriesPoint[]; opens: SeriesPoint[]; clicks: SeriesPoint[] }>;
}
