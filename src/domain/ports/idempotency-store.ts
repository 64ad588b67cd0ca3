/** Keys of requests already applied (Slack retries, double clicks): `claim` is true only for the first caller of a key. */
export interface IdempotencyStore {
  claim(key: string, at: Date): Promise<boolean>;
  /** Stores what the first caller answered, so a duplicate can say what was done. */
  remember(key: string, result: Record<string, unknown>): Promise<void>;
  /** The first caller's answer, if it remembered one. */
  recall(key: string): Promise<Record<string, unknown> | null>;
  /** Gives a key back when its action did not apply (refused, invalid), so the person can try again. */
  release(key: string): Promise<void>;
}
