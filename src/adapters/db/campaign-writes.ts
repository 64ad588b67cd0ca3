import type { CampaignSettings } from '../../domain/campaign/campaign.js';
import type { CampaignStatus, TransitionName } from '../../domain/campaign/campaign-status.js';
import { assertInitialStatus, decideTransition, transitionCondition, type InitialStatus, type LastTransition, type TransitionRef } from '../../domain/campaign/campaign-transition.js';
import type { ActivityInput, StatusPatch, TransitionActivity } from '../../domain/ports/campaign-store.js';
import { Prisma } from './prisma-client.js';

/**
 * Every write of the `campaign` table, in one file, so that one function shows how a campaign's
 * status can change: it is created draft or ready (`insertCampaign`), then moves only by named
 * transitions of the table (`applyTransition`). test/unit/architecture.test.ts fails if any other
 * file writes the table, or if another write here sets `status`.
 */

type Tx = Prisma.TransactionClient;

/** A transition to apply, with what the same conditional write also sets. */
export interface TransitionWrite {
  ref: TransitionRef;
  to: CampaignStatus;
  patch: StatusPatch;
  activity: TransitionActivity;
  settings?: Partial<CampaignSettings>;
  expectedVersion?: number;
  /** The injected clock's time: the row's `updated_at` and the activity entry's time. */
  at: Date;
}

/** Work done in the transaction once the transition is decided, before the status is written; 'abandon' writes nothing. */
export type DuringTransition = (from: CampaignStatus) => Promise<Partial<Pick<ActivityInput, 'runId' | 'detail'>> | 'abandon'>;

/**
 * The new campaign's id. Its segment and variant rows come nested in `row`. `at` is the injected
 * clock's time: the columns' defaults (`now()`) would be the process's or the database's clock.
 */
export async function insertCampaign(
  tx: Tx,
  row: Omit<Prisma.CampaignUncheckedCreateInput, 'status' | 'createdAt' | 'updatedAt'>,
  status: InitialStatus,
  at: Date,
): Promise<number> {
  assertInitialStatus(status);
  const created = await tx.campaign.create({ data: { ...row, status, createdAt: at, updatedAt: at }, select: { id: true } });
  return created.id;
}

/**
 * The one transition function. Refuses (throws) a `to` the table does not reach by `ref.name`; locks
 * the campaign; writes `to` conditional on the table's `from` (narrowed by `ref.onlyFrom`) and on
 * `expectedVersion`; records the transition's name in the activity entry. A campaign already in `to`
 * by this same transition and actor is a repeat: nothing is written and the answer is success.
 */
export async function applyTransition(tx: Tx, id: number, write: TransitionWrite, during?: DuringTransition): Promise<'moved' | 'repeat' | 'refused'> {
  transitionCondition(write.ref, write.to); // throws before anything is read when the table forbids it
  const before = await lockCampaign(tx, id);
  if (!before) return 'refused';
  const decision = decideTransition(write.ref, write.to, before.status, await lastTransition(tx, id), write.activity.actor);
  if (decision.kind === 'repeat') return 'repeat';
  if (decision.kind === 'refuse') return 'refused';
  if (write.expectedVersion !== undefined && before.version !== write.expectedVersion) return 'refused';
  const extra = during ? await during(before.status) : {};
  if (extra === 'abandon') return 'refused';
  const written = await tx.campaign.updateMany({
    where: {
      id,
      deletedAt: null,
      status: { in: decision.from },
      ...(write.expectedVersion !== undefined ? { version: write.expectedVersion } : {}),
    },
    data: { ...columns(write.settings ?? {}, write.patch), status: write.to, version: { increment: 1 }, updatedAt: write.at },
  });
  // The row is locked, so this cannot miss; if it ever did, undo the work `during` did with it.
  if (written.count !== 1) throw new Error(`campaign ${id}: the ${write.ref.name} write matched ${written.count} rows under its own lock`);
  await writeActivity(tx, id, before.status, write.to, { ...write.activity, ...extra, action: write.activity.action ?? write.ref.name }, write.ref.name, write.at);
  return 'moved';
}

/** Settings (and patch fields) only, never the status; false when the campaign had left `from` or `expectedVersion`. */
export async function updateCampaignFields(
  tx: Tx,
  id: number,
  from: readonly CampaignStatus[],
  expectedVersion: number | undefined,
  settings: Partial<CampaignSettings>,
  patch: StatusPatch,
  at: Date,
): Promise<boolean> {
  const updated = await tx.campaign.updateMany({
    where: { id, deletedAt: null, status: { in: [...from] }, ...(expectedVersion !== undefined ? { version: expectedVersion } : {}) },
    data: { ...columns(settings, patch), version: { increment: 1 }, updatedAt: at },
  });
  return updated.count === 1;
}

export async function markCampaignDeleted(tx: Tx, id: number, at: Date): Promise<void> {
  await tx.campaign.update({ where: { id }, data: { deletedAt: at, nextRunAt: null, version: { increment: 1 }, updatedAt: at } });
}

/** Row lock: of two concurrent changes, the second waits and then sees the first one's status. */
export async function lockCampaign(tx: Tx, id: number): Promise<{ status: CampaignStatus; version: number } | null> {
  const rows = await tx.$queryRaw<{ status: CampaignStatus; version: number }[]>`
    SELECT status::text AS status, version FROM campaign WHERE id = ${id} AND deleted_at IS NULL FOR UPDATE`;
  return rows[0] ?? null;
}

/** The campaign's latest activity entry that recorded a transition, with what it said about the run. */
export async function lastTransition(tx: Tx, campaignId: number): Promise<(LastTransition & { runId: number | null; detail: Record<string, unknown> | null }) | null> {
  const row = await tx.activity.findFirst({
    where: { campaignId, transition: { not: null } },
    orderBy: { id: 'desc' },
    select: { transition: true, toStatus: true, actor: true, runId: true, detail: true },
  });
  return row ? { name: row.transition!, to: row.toStatus, actor: row.actor, runId: row.runId, detail: (row.detail as Record<string, unknown> | null) ?? null } : null;
}

export async function writeActivity(
  tx: Tx,
  campaignId: number,
  fromStatus: CampaignStatus | null,
  toStatus: CampaignStatus | null,
  a: ActivityInput,
  transition: TransitionName | null,
  at: Date,
): Promise<void> {
  await tx.activity.create({
    data: {
      createdAt: at,
      campaignId,
      runId: a.runId ?? null,
      actor: a.actor,
      action: a.action,
      fromStatus,
      toStatus,
      transition,
      reason: a.reason ?? null,
      detail: a.detail ? (a.detail as Prisma.InputJsonValue) : Prisma.DbNull,
    },
  });
}

/** The row's columns for settings and status-related fields; `status` is not among them (see applyTransition). */
function columns(s: Partial<CampaignSettings>, p: StatusPatch): Omit<Prisma.CampaignUncheckedUpdateManyInput, 'status'> {
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'description', 'tags', 'channel', 'launchType', 'sendAt', 'timeZone', 'cron', 'ifLate', 'templateId', 'listId', 'smsTtlSeconds', 'tracking'] as const) {
    if (s[key] !== undefined) out[key] = s[key];
  }
  if (s.oneTimeFilter !== undefined) out.oneTimeFilter = s.oneTimeFilter === null ? Prisma.DbNull : (s.oneTimeFilter as unknown as Prisma.InputJsonValue);
  for (const key of ['resumeTo', 'statusReason', 'nextRunAt', 'launchType', 'sendAt', 'timeZone', 'cron'] as const) {
    if (p[key] !== undefined) out[key] = p[key];
  }
  if (p.statusDetails !== undefined) out.statusDetails = p.statusDetails === null ? Prisma.DbNull : (p.statusDetails as unknown as Prisma.InputJsonValue);
  return out;
}
