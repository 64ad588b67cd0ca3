import type { Classification, Hit, PastHit } from '../tracking/classify-hit.js';

/** A hit with its classification and the address as it is kept (anonymised or not). */
export type ClassifiedHit = Hit & Classification & { storedIp: string | null };

/** Where tracking hits are kept raw and counted as they are written. */
export interface HitStore {
  /**
   * What classifying needs about these messages: their delivery time and, for `withHits` (messages
   * clicked in the batch; an open's rules need only the delivery time), their first open and the
   * clicks between `from` and `to` (a burst window around the batch). Unknown messages are absent.
   */
  history(messageIds: readonly string[], withHits: ReadonlySet<string>, from: Date, to: Date): Promise<Map<string, { deliveredAt: Date | null; hits: PastHit[] }>>;
  /** Writes the hits and adds them to the run counts in one statement; hits of unknown messages are dropped. */
  write(hits: readonly ClassifiedHit[]): Promise<void>;
}
