/** An entry of the one cross-channel suppression list. */
export interface Suppression {
  address: string;
  contactId: number | null;
  /** Why: `unsubscribe`, `sms_stop`, `hard_bounce`, `complaint`, `provider_opt_out`, `manual`. */
  reason: string;
  /** Where it came from: `list-unsubscribe`, `twilio-inbound`, `twilio`, `smtp`, a person's id. */
  source: string;
  createdAt: Date;
}

/** The suppression list: an address on it is never messaged again (its messages become `opted_out`). */
export interface SuppressionStore {
  /** Adds the address (email lower-cased, or E.164); keeps the first entry when already there. Returns true when added now. */
  add(input: { address: string; reason: string; source: string }): Promise<boolean>;
  /** Removes it (SMS START family, a person's decision). Returns true when it was there. */
  remove(address: string): Promise<boolean>;
  find(address: string): Promise<Suppression | null>;
}
