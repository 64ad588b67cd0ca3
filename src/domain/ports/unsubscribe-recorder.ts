/** Records that the recipient of one message unsubscribed (suppression plus one tracking event), idempotently. */
export interface UnsubscribeRecorder {
  /** Null when no message has that id; `alreadySuppressed` when the address was on the list before. */
  unsubscribeMessage(
    messageId: bigint | string,
    at: Date,
    meta: { ip?: string | null; userAgent?: string | null },
  ): Promise<{ recipient: string; alreadySuppressed: boolean } | null>;
}
