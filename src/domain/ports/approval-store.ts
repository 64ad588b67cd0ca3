import type { CampaignStatus } from '../campaign/campaign-status.js';

export type ApprovalStatus = 'pending' | 'approved' | 'denied' | 'expired';

export interface Approval {
  id: number;
  campaignId: number;
  action: 'cancel';
  status: ApprovalStatus;
  requestedBy: string;
  reason: string | null;
  requestedAt: Date;
  expiresAt: Date;
  decidedBy: string | null;
  decidedAt: Date | null;
}

/** Requests that need a second person; decisions are conditional on the request still pending. */
export interface ApprovalStore {
  create(input: { campaignId: number; action: 'cancel'; requestedBy: string; reason: string | null; requestedAt: Date; expiresAt: Date }): Promise<Approval>;
  get(id: number): Promise<Approval | null>;
  pendingFor(campaignId: number, now: Date): Promise<Approval | null>;
  /** Sets the decision only while still pending; null if someone decided first. */
  decide(id: number, status: Exclude<ApprovalStatus, 'pending'>, decidedBy: string | null, at: Date): Promise<Approval | null>;
  listPending(now: Date): Promise<Approval[]>;
  /**
   * Approved cancels whose campaign is still in one of `statuses` (those a cancel leaves; cancelled is
   * final): decisions whose cancel was never applied, because the deciding process stopped in between.
   */
  approvedNotApplied(statuses: readonly CampaignStatus[]): Promise<Approval[]>;
  /** Closes every request still pending at `expiresAt <= now` as expired; answers the ones this call closed. */
  expireDue(now: Date): Promise<Approval[]>;
}
