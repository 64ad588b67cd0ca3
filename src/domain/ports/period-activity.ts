/** What one campaign did in one hour of a period: messages sent, and human opens, clicks and unsubscribes. */
export interface HourActivityRow {
  campaignId: number;
  /** Hours since the period's start (0 = its first hour). */
  hour: number;
  sent: number;
  opens: number;
  clicks: number;
  unsubscribes: number;
}

/**
 * The campaigns with activity in a period (the daily digest): messages whose send time falls in
 * it, and tracking hits that happened in it, counted per campaign and hour from the period's start.
 * Reads only the rows of the period (indexed by time), never a campaign's whole ledger.
 */
export interface PeriodActivityStore {
  hoursIn(from: Date, to: Date): Promise<HourActivityRow[]>;
}
