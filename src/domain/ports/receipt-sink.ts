import type { FailureCategory, MessageStatus } from '../delivery/message-status.js';

/** A delivery receipt as a provider reports it after the send (Twilio status callbacks, later bounces). */
export interface Receipt {
  providerMessageId: string;
  /**
   * Herald's own message id when the provider echoes it (the status callback URL carries it, under
   * the provider's signature): a receipt that beats the engine's write of the provider id still lands.
   */
  messageId?: string | null;
  /** The status the message moves to: delivered, failed, bounced, blocked, complained, opted_out, or sending (still in flight). */
  status: MessageStatus;
  category?: FailureCategory | null;
  /** The provider's raw words, e.g. `undelivered 30007`. */
  reason?: string | null;
  segments?: number | null;
  costMicros?: number | null;
  at: Date;
}

/** Where receipts are recorded. Idempotent: a repeated or late receipt never moves a final status backwards. */
export interface ReceiptSink {
  /** Returns false when no message has that provider id. */
  applyReceipt(receipt: Receipt): Promise<boolean>;
}
