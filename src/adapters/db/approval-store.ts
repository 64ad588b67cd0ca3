import type { CampaignStatus } from '../../domain/campaign/campaign-status.js';
import type { Approval, ApprovalStatus, ApprovalStore } from '../../domain/ports/approval-store.js';
import { utcTimestamp } from './ledger-sql.js';
import type { Db } from './prisma-client.js';

type Row = Awaited<ReturnType<Db['approval']['findUniqueOrThrow']>>;

/** Approval requests; a decision only lands while the request is still pending. */
export class PrismaApprovalStore implements ApprovalStore {
  constructor(private readonly prisma: Db) {}

  async create(input: { campaignId: number; action: 'cancel'; requestedBy: string; reason: string | null; requestedAt: Date; expiresAt: Date }): Promise<Approval> {
    return toApproval(await this.prisma.approval.create({ data: input }));
  }

  async get(id: number): Promise<Approval | null> {
    const row = await this.prisma.approval.findUnique({ where: { id } });
    return row ? toApproval(row) : null;
  }

  async pendingFor(campaignId: number, now: Date): Promise<Approval | null> {
    const row = await this.prisma.approval.findFirst({ where: { campaignId, status: 'pending', expiresAt: { gt: now } }, orderBy: { id: 'desc' } });
    return row ? toApproval(row) : null;
  }

  async decide(id: number, status: Exclude<ApprovalStatus, 'pending'>, decidedBy: string | null, at: Date): Promise<Approval | null> {
    const result = await this.prisma.approval.updateMany({ where: { id, status: 'pending' }, data: { status, decidedBy, decidedAt: at } });
    return result.count === 1 ? this.get(id) : null;
  }

  async approvedNotApplied(statuses: readonly CampaignStatus[]): Promise<Approval[]> {
    const rows = await this.prisma.approval.findMany({
      where: { status: 'approved', action: 'cancel', campaign: { status: { in: [...statuses] }, deletedAt: null } },
      orderBy: { id: 'asc' },
    });
    return rows.map(toApproval);
  }

  async expireDue(now: Date): Promise<Approval[]> {
    // One statement: of two replicas expiring at once, each row is closed (and answered) by one.
    const rows = await this.prisma.$queryRaw<{ id: number }[]>`
      UPDATE approval SET status = 'expired', decided_at = ${utcTimestamp(now)}
      WHERE status = 'pending' AND expires_at <= ${utcTimestamp(now)}
      RETURNING id`;
    const closed = await this.prisma.approval.findMany({ where: { id: { in: rows.map((r) => r.id) } }, orderBy: { id: 'asc' } });
    return closed.map(toApproval);
  }

  async listPending(now: Date): Promise<Approval[]> {
    const rows = await this.prisma.approval.findMany({ where: { status: 'pending', expiresAt: { gt: now } }, orderBy: { id: 'asc' } });
    return rows.map(toApproval);
  }
}

function toApproval(row: Row): Approval {
  return {
    id: row.id,
    campaignId: row.campaignId,
    action: 'cancel',
    status: row.status,
    requestedBy: row.requestedBy,
    reason: row.reason,
    requestedAt: row.requestedAt,
    expiresAt: row.expiresAt,
    decidedBy: row.decidedBy,
    decidedAt: row.decidedAt,
  };
}
