import type { AlertKind, PostedAlert, PostedAlertStore } from '../../domain/ports/posted-alert-store.js';
import { Prisma, type Db } from './prisma-client.js';

type Row = { kind: string; subjectId: string; channel: string; ts: string; state: string; detail: Prisma.JsonValue; createdAt: Date; updatedAt: Date };

/** The `slack_alert` table: one row per (kind, subject). */
export class PrismaPostedAlertStore implements PostedAlertStore {
  constructor(private readonly prisma: Db) {}

  async get(kind: AlertKind, subjectId: string): Promise<PostedAlert | null> {
    const row = await this.prisma.slackAlert.findUnique({ where: { kind_subjectId: { kind, subjectId } } });
    return row ? toAlert(row) : null;
  }

  async openFor(kinds: readonly AlertKind[], subjectId: string): Promise<PostedAlert[]> {
    const rows = await this.prisma.slackAlert.findMany({ where: { kind: { in: [...kinds] }, subjectId, state: 'open' }, orderBy: { id: 'asc' } });
    return rows.map(toAlert);
  }

  async save(alert: PostedAlert): Promise<void> {
    const data = { channel: alert.channel, ts: alert.ts, state: alert.state, detail: alert.detail as Prisma.InputJsonObject, createdAt: alert.createdAt, updatedAt: alert.updatedAt };
    await this.prisma.slackAlert.upsert({
      where: { kind_subjectId: { kind: alert.kind, subjectId: alert.subjectId } },
      create: { kind: alert.kind, subjectId: alert.subjectId, ...data },
      update: data,
    });
  }

  async update(kind: AlertKind, subjectId: string, change: Partial<Pick<PostedAlert, 'channel' | 'ts' | 'state' | 'detail'>> & { updatedAt: Date }): Promise<void> {
    const { detail, ...rest } = change;
    await this.prisma.slackAlert.updateMany({ where: { kind, subjectId }, data: { ...rest, ...(detail ? { detail: detail as Prisma.InputJsonObject } : {}) } });
  }
}

function toAlert(row: Row): PostedAlert {
  const detail = row.detail && typeof row.detail === 'object' && !Array.isArray(row.detail) ? (row.detail as Record<string, unknown>) : {};
  return { kind: row.kind as AlertKind, subjectId: row.subjectId, channel: row.channel, ts: row.ts, state: row.state === 'closed' ? 'closed' : 'open', detail, createdAt: row.createdAt, updatedAt: row.updatedAt };
}
