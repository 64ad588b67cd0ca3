import type { Channel } from '../campaign/campaign.js';
import type { FailureCategory, MessageStatus } from '../delivery/message-status.js';
import type { SendingDetails, TemplateContent } from '../templates/template.js';

/** What a run froze when it was built: the template version and sending details it sends with. */
export interface RunSnapshot {
  templateId: number;
  templateName: string;
  version: number;
  content: TemplateContent;
  sending: SendingDetails;
  /** A/B variants: label -> that variant's template content and sending details. */
  variants?: { label: string; templateId: number; weight: number; content?: TemplateContent; sending?: SendingDetails }[];
}

/** A run that is sending, with what the engine needs to render its messages. */
export interface ActiveRun {
  runId: number;
  campaignId: number;
  /** Readable part of the campaign's email `List-Id`. */
  campaignName: string;
  channel: Channel;
  snapshot: RunSnapshot;
  smsTtlSeconds: number | null;
  /** The campaign's tracking setting (`--tracking on|off`). */
  tracking: boolean;
}

/**
 * A message claimed for sending: marked `sending` with a lease, committed, before anything else. Its
 * hand-over to the provider is recorded separately, just before the provider call.
 */
export interface ClaimedMessage {
  id: string;
  runId: number;
  campaignId: number;
  contactId: number;
  recipient: string;
  variant: string | null;
  /** Attempts including this one. */
  attempts: number;
  attributes: Record<string, string>;
  email: string | null;
  phone: string | null;
  timeZone: string | null;
  /** On the suppression list now (opted out after the run was built): never sent. */
  suppressed: boolean;
}

/** How a claimed message ends this attempt; written for a whole batch at once. */
export interface MessageOutcome {
  id: string;
  status: MessageStatus;
  providerMessageId?: string | null;
  category?: FailureCategory | null;
  reason?: string | null;
  /** When it may be tried again (retrying, or deferred by quiet hours / a suspension). */
  nextAttemptAt?: Date | null;
  /** True when the provider accepted it (sets sent_at). */
  sent?: boolean;
  /** True when this attempt did not count (deferred before any provider call). */
  notAnAttempt?: boolean;
  segments?: number | null;
  costMicros?: number | null;
  /** Counts against the run's error budget. */
  countsAsFailure?: boolean;
}

/** A message its lease owner is about to hand to the provider. */
export interface HandOver {
  id: string;
  owner: string;
}

/** An attempt's outcome, written only where `owner` still holds the message. */
export interface SettledOutcome {
  runId: number;
  owner: string;
  outcome: MessageOutcome;
}

/** What a crash or a lapsed lease did to messages in flight. */
export interface LeaseRecovery {
  /** Handed to the provider with no answer recorded: may have been sent, never resent automatically. */
  unknown: number;
  /** Claimed but never handed over: back in the queue, sent by whoever claims them next. */
  requeued: number;
}

export interface MessageRow {
  id: string;
  runId: number;
  runNumber: number;
  recipient: string;
  status: MessageStatus;
  variant: string | null;
  failureCategory: string | null;
  failureReason: string | null;
  providerMessageId: string | null;
  attempts: number;
  smsSegments: number | null;
  sentAt: Date | null;
  deliveredAt: Date | null;
  updatedAt: Date;
  /** In flight (leased) rather than handed off and waiting for a receipt. */
  inFlight: boolean;
}

export interface MessageFilter {
  campaignId: number;
  runNumber?: number;
  status?: MessageStatus;
  category?: string;
  search?: string;
  page: number;
  pageSize: number;
}

export interface RetrySelection {
  retryable: { id: string; status: MessageStatus }[];
  /** Asked for but not retryable, with why (opted out, delivered, not in this campaign). */
  refused: { id: string; why: string }[];
}

/** The ledger as the delivery engine and reports use it; every write is conditional, safe on many replicas. */
export interface DeliveryStore {
  /** Scheduled campaigns whose send time is within `lead` of now (due for prebuild). */
  dueForPrebuild(now: Date, leadMs: number): Promise<number[]>;
  /**
   * Runs built and due (send time reached) whose campaign is still queued, with the run's send time
   * and when the campaign last changed (a resume after an overdue hold makes it due from then).
   */
  dueToStart(now: Date): Promise<{ runId: number; campaignId: number; scheduledFor: Date; campaignChangedAt: Date }[]>;
  /** Marks the run sending (it is already queued); false when someone else did. */
  markRunSending(runId: number, now: Date): Promise<boolean>;
  /** Runs that are sending for campaigns that are sending, on this channel. */
  activeRuns(channel: Channel): Promise<ActiveRun[]>;
  /** Claims up to `limit` due messages of one run: `sending`, lease until `now + leaseMs`, committed before returning. */
  claim(runId: number, owner: string, now: Date, leaseMs: number, limit: number): Promise<ClaimedMessage[]>;
  /**
   * One atomic write of the engine's journal: the outcomes (where their owner still holds the message;
   * a late answer also replaces `unknown`), the runs' error-budget counters, and the hand-overs
   * (`handed_over_at`, only where the owner still holds a claimed message). Returns the ids handed over.
   */
  writeLedger(now: Date, entries: { handOvers: HandOver[]; outcomes: SettledOutcome[] }): Promise<string[]>;
  /** A run's error-budget window: attempts and failures since it started or was last reset. */
  errorWindow(runId: number): Promise<{ windowAttempts: number; windowFailures: number }>;
  /** Resets a run's error-budget window (on suspend, so a resume starts afresh). */
  resetErrorBudget(runId: number): Promise<void>;
  /** In-flight messages whose lease passed: handed over ones become `unknown`, claimed-only ones go back to the queue. */
  expireLeases(now: Date): Promise<LeaseRecovery>;
  /** Owners (host:pid) holding in-flight leases now. */
  inFlightOwners(): Promise<string[]>;
  /** Ends every in-flight lease of one owner (a process known to be dead), as `expireLeases` does. */
  expireLeasesOf(owner: string, now: Date): Promise<LeaseRecovery>;
  /** SMS handed off without a receipt for `timeoutMs` become `assumed_delivered`. Returns how many. */
  assumeDelivered(now: Date, timeoutMs: number): Promise<number>;
  /** Runs whose campaign was stopped or cancelled take that status too. */
  closeHaltedRuns(now: Date): Promise<void>;
  /** Runs a retry re-opened whose campaign did not get back to sending (the process stopped in between). */
  reopenedRunsOfCompletedCampaigns(): Promise<{ runId: number; campaignId: number }[]>;
  /** Sending runs with nothing left to send or in flight. */
  finishedRuns(): Promise<{ runId: number; campaignId: number; number: number }[]>;
  /** Marks a run completed; false when it was not sending. */
  completeRun(runId: number, now: Date): Promise<boolean>;
  /** Status counts of a campaign (all runs) or one run. */
  counts(campaignId: number, runId?: number): Promise<Record<string, number>>;
  listMessages(filter: MessageFilter): Promise<{ items: MessageRow[]; total: number }>;
  /** Another campaign of this channel that is sending (the retry rule), or null. */
  otherSendingCampaign(campaignId: number, channel: Channel): Promise<number | null>;
  /** Sorts the requested messages (or every failed/unknown one) into retryable and refused. */
  selectForRetry(campaignId: number, messageIds: string[] | 'all'): Promise<RetrySelection>;
  /** Puts the messages back to `queued` (suppressed recipients to `opted_out`) and their runs to `sending`. */
  requeue(campaignId: number, ids: string[], now: Date): Promise<{ requeued: number; optedOut: number; runIds: number[] }>;
  /** The message and contact a signed link points at. */
  findMessage(id: string): Promise<(MessageRow & { campaignId: number; contactId: number }) | null>;
}
