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

/** The count tables of one campaign: a few rows per run, whatever the number of messages. */
export interface MetricsStore {
  countsOf(campaignId: number): Promise<{ runs: RunRow[]; status: StatusCountRow[]; events: EventCountRow[] }>;
}
