/** Keys of requests already applied (Slack retries, double clicks): `claim` is true only for the first caller of a key. */
export interface IdempotencyStore {
  claim(key: string, at: Date): Promise<boolean>;
  /**
   * Like `claim`, but the key counts as taken only within `windowMs` of the time it was claimed at:
   * a button that opens a modal repeats within a moment (a double click, a retried delivery of the
   * same click carries the same time) and may be pressed again on purpose later. `at` is the time
   * of the click itself (Slack's action_ts), so a retry delivered minutes later is still a repeat.
   */
  claimWithin(key: string, at: Date, windowMs: number): Promise<boolean>;
  /** Stores what the first caller answered, so a duplicate can say what was done. */
  remember(key: string, result: Record<string, unknown>): Promise<void>;
  /** The first caller's answer, if it remembered one. */
  recall(key: string): Promise<Record<string, unknown> | null>;
  /** Gives a key back when its action did not apply (refused, invalid), so the person can try again. */
  release(key: string): Promise<void>;
}
