import type { Campaign, CampaignSettings, StatusReason, Variant } from '../../domain/campaign/campaign.js';
import type { CampaignStatus, TransitionName } from '../../domain/campaign/campaign-status.js';
import type { InitialStatus, TransitionRef } from '../../domain/campaign/campaign-transition.js';
import type { SegmentFilter } from '../../domain/contacts/segment-filter.js';
import type { Clock } from '../../domain/ports/clock.js';
import type {
  ActivityEntry,
  ActivityInput,
  CampaignFilter,
  CampaignRef,
  CampaignStore,
  HeadlineCounts,
  QueueResult,
  RunBuild,
  RunSummary,
  StatusChangeOutbox,
  StatusPatch,
  TransitionActivity,
  TransitionResult,
} from '../../domain/ports/campaign-store.js';
import { audienceQuery } from './audience-sql.js';
import { applyTransition, insertCampaign, lastTransition, lockCampaign, markCampaignDeleted, updateCampaignFields, writeActivity } from './campaign-writes.js';
import { messageCountsByStatus, utcTimestamp } from './ledger-sql.js';
import { Prisma, type Db } from './prisma-client.js';
import { isSuppressed } from './suppression-sql.js';

type Tx = Prisma.TransactionClient;

const WITH_RELATIONS = { segments: true, variants: { orderBy: { label: 'asc' } } } as const satisfies Prisma.CampaignInclude;
type Row = Prisma.CampaignGetPayload<{ include: typeof WITH_RELATIONS }>;

/**
 * Campaigns, runs and the activity log in PostgreSQL (embedded or server). Every time it writes
 * (created, updated, activity, a run's queueing and its message rows) comes from the injected clock,
 * never from the columns' `now()` defaults: those are the process's or the database server's clock.
 */
export class PrismaCampaignStore implements CampaignStore {
  constructor(
    private readonly prisma: Db,
    private readonly clock: Clock,
    /** Where a status change's notification is written, in the change's transaction (none: the caller tells). */
    private readonly outbox: StatusChangeOutbox<Tx> | null = null,
  ) {}

  /** The moved change's notification, written to the outbox in `tx` (last: its lock is held until the commit). */
  private async told(tx: Tx, campaign: Campaign | null, from: CampaignStatus | undefined, ref: TransitionRef, activity: TransitionActivity, at: Date) {
    if (!this.outbox || !campaign || from === undefined) return {};
    return { notification: await this.outbox.append(tx, { campaign, from, transition: ref.name, activity, at }) };
  }

  async create(
    input: CampaignSettings & { status: InitialStatus; createdBy: string; clonedFromId: number | null },
    activity: ActivityInput,
  ): Promise<Campaign> {
    const at = this.clock.now();
    return this.prisma.$transaction(async (tx) => {
      const id = await insertCampaign(
        tx,
        {
          ...scalarSettings(input),
          channel: input.channel,
          createdBy: input.createdBy,
          clonedFromId: input.clonedFromId,
          segments: { create: segmentRows(input.includeSegmentIds, input.excludeSegmentIds) },
          variants: { create: input.variants.map((v) => ({ label: v.label, templateId: v.templateId, weight: v.weight })) },
        } as Omit<Prisma.CampaignUncheckedCreateInput, 'status' | 'createdAt' | 'updatedAt'>,
        input.status,
        at,
      );
      await writeActivity(tx, id, null, input.status, activity, null, at);
      return (await readCampaign(tx, id))!;
    });
  }

  async get(id: number): Promise<Campaign | null> {
    const row = await this.prisma.campaign.findFirst({ where: { id, deletedAt: null }, include: WITH_RELATIONS });
    return row ? toCampaign(row) : null;
  }

  async list(filter: CampaignFilter): Promise<{ items: Campaign[]; total: number }> {
    const search = filter.search?.trim();
    const idFromSearch = search ? /^(?:c-)?(\d+)$/i.exec(search)?.[1] : undefined;
    const where: Prisma.CampaignWhereInput = {
      deletedAt: null,
      ...(filter.statuses?.length ? { status: { in: filter.statuses } } : {}),
      ...(filter.channel ? { channel: filter.channel } : {}),
      ...(filter.tag ? { tags: { has: filter.tag.toLowerCase() } } : {}),
      ...(filter.createdBy ? { createdBy: filter.createdBy } : {}),
      ...(search
        ? {
            OR: [
              { name: { contains: search, mode: 'insensitive' } },
              { description: { contains: search, mode: 'insensitive' } },
              ...(idFromSearch ? [{ id: Number(idFromSearch) }] : []),
            ],
          }
        : {}),
    };
    const [rows, total] = await Promise.all([
      this.prisma.campaign.findMany({
        where,
        include: WITH_RELATIONS,
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        skip: (filter.page - 1) * filter.pageSize,
        take: filter.pageSize,
      }),
      this.prisma.campaign.count({ where }),
    ]);
    return { items: rows.map(toCampaign), total };
  }

  async update(
    id: number,
    from: readonly CampaignStatus[],
    change: { settings?: Partial<CampaignSettings>; patch?: StatusPatch; expectedVersion?: number },
    activity: ActivityInput,
  ): Promise<Campaign | null> {
    const at = this.clock.now();
    return this.prisma.$transaction(async (tx) => {
      const before = await lockCampaign(tx, id);
      if (!before || !from.includes(before.status)) return null;
      const settings = change.settings ?? {};
      if (!(await updateCampaignFields(tx, id, from, change.expectedVersion, settings, change.patch ?? {}, at))) return null;
      await writeRelations(tx, id, settings);
      await writeActivity(tx, id, before.status, null, activity, null, at);
      return readCampaign(tx, id);
    });
  }

  async transition(
    id: number,
    ref: TransitionRef,
    to: CampaignStatus,
    patch: StatusPatch,
    activity: TransitionActivity,
    options: { settings?: Partial<CampaignSettings>; expectedVersion?: number } = {},
  ): Promise<TransitionResult> {
    const at = this.clock.now();
    return this.prisma.$transaction(async (tx) => {
      let from: CampaignStatus | undefined;
      const outcome = await applyTransition(tx, id, { ref, to, patch, activity, settings: options.settings, expectedVersion: options.expectedVersion, at }, async (status) => {
        from = status;
        return {};
      });
      if (outcome === 'moved' && options.settings) await writeRelations(tx, id, options.settings);
      const campaign = await readCampaign(tx, id);
      if (outcome === 'refused' || !campaign) return { outcome: 'refused', campaign };
      if (outcome !== 'moved' || !from) return { outcome, campaign };
      return { outcome, campaign, from, ...(await this.told(tx, campaign, from, ref, activity, at)) };
    });
  }

  async queueRun(id: number, ref: TransitionRef, build: RunBuild, activity: TransitionActivity): Promise<QueueResult> {
    const at = this.clock.now();
    return this.prisma.$transaction(
      async (tx) => {
        const built: { run?: RunSummary } = {};
        const patch = { statusReason: null, statusDetails: null, resumeTo: null };
        let from: CampaignStatus | undefined;
        const outcome = await applyTransition(tx, id, { ref, to: 'queued', patch, activity, at }, async (status) => {
          from = status;
          const made = await this.buildRun(tx, id, build, at);
          if (!made) return 'abandon';
          built.run = made.run;
          return { runId: made.run.runId, detail: made.detail };
        });
        const campaign = await readCampaign(tx, id);
        if (outcome === 'refused' || !campaign) return { outcome: 'refused', campaign };
        const run = outcome === 'moved' && built.run ? built.run : await repeatedRun(tx, id);
        if (outcome !== 'moved' || !from) return { outcome, campaign, run };
        return { outcome, campaign, run, from, ...(await this.told(tx, campaign, from, ref, { ...activity, runId: activity.runId ?? run.runId }, at)) };
      },
      { timeout: 120_000, maxWait: 30_000 },
    );
  }

  /** The run, its template snapshot and message rows; null when the campaign has no list to build from. */
  private async buildRun(tx: Tx, id: number, build: RunBuild, at: Date): Promise<{ run: RunSummary; detail: Record<string, unknown> } | null> {
    const campaign = (await readCampaign(tx, id))!;
    if (campaign.listId === null) return null;
    const template = await tx.template.findUniqueOrThrow({ where: { id: build.templateId } });
    const version = await tx.templateVersion.findUniqueOrThrow({
      where: { templateId_version: { templateId: template.id, version: template.currentVersion } },
    });
    const last = await tx.run.aggregate({ where: { campaignId: id }, _max: { number: true } });
    const run = await tx.run.create({
      data: {
        campaignId: id,
        number: (last._max.number ?? 0) + 1,
        scheduledFor: build.scheduledFor,
        queuedAt: at,
        templateVersionId: version.id,
        snapshot: build.snapshot as Prisma.InputJsonValue,
      },
    });
    const filters = await segmentFilters(tx, campaign);
    const audience = audienceQuery({
      listId: campaign.listId,
      include: filters.include,
      exclude: filters.exclude,
      oneTime: campaign.oneTimeFilter,
      address: build.address,
    });
    // A one-off campaign relaunched after a stop must not reach anyone twice: recipients an earlier
    // run already sent to (or may have: unknown) are left out. Recurring runs reach everyone each time.
    const earlierRuns =
      campaign.launchType === 'recurring'
        ? []
        : (await tx.run.findMany({ where: { campaignId: id, id: { not: run.id } }, select: { id: true } })).map((r) => r.id);
    const reachedBefore = earlierRuns.length
      ? Prisma.sql`EXISTS (SELECT 1 FROM message p WHERE p.run_id = ANY(${earlierRuns}::int[]) AND p.recipient = a.recipient
                     AND p.status IN ('sending', 'delivered', 'assumed_delivered', 'bounced', 'complained', 'blocked', 'unknown'))`
      : null;
    // One set-based statement writes the whole ledger for this run (NOTES.md: never row by row).
    // Rows go in recipient order so the (run, recipient) index fills in key order (a smaller index
    // and less WAL: about 10-15 % faster for a million on PostgreSQL), with the memory to sort them.
    await tx.$executeRaw`SET LOCAL work_mem = '128MB'`;
    // The counts come back from the same statement: no second pass over a million rows.
    const [written] = await tx.$queryRaw<{ inserted: number; optedOut: number }[]>`
      WITH ins AS (
        INSERT INTO message (run_id, campaign_id, contact_id, channel, recipient, variant, status, next_attempt_at, created_at, updated_at)
        SELECT ${run.id}, ${id}, a.contact_id, ${campaign.channel}, a.recipient, ${variantCase(campaign.variants, Prisma.sql`a.recipient`)},
               CASE WHEN ${isSuppressed({ recipient: 'a.recipient', contactId: 'a.contact_id' })}
                    THEN 'opted_out'::"MessageStatus" ELSE 'queued'::"MessageStatus" END,
               ${utcTimestamp(build.scheduledFor)}, ${utcTimestamp(at)}, ${utcTimestamp(at)}
        FROM (${audience}) a
        WHERE ${reachedBefore ? Prisma.sql`NOT ${reachedBefore}` : Prisma.sql`TRUE`}
        ORDER BY a.recipient
        RETURNING status
      )
      SELECT count(*)::int AS inserted, (count(*) FILTER (WHERE status = 'opted_out'))::int AS "optedOut" FROM ins`;
    const inserted = written?.inserted ?? 0;
    const optedOut = written?.optedOut ?? 0;
    // Only on a relaunch: how many the earlier runs already reached (for the person, and the run).
    const skipped = reachedBefore
      ? ((await tx.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM (${audience}) a WHERE ${reachedBefore}`)[0]?.n ?? 0)
      : 0;
    await tx.run.update({ where: { id: run.id }, data: { audienceCount: inserted, skippedCount: skipped } });
    return {
      run: { runId: run.id, number: run.number, messages: inserted, optedOut, skipped },
      detail: { run: run.number, messages: inserted, optedOut, skippedAlreadyReached: skipped, templateVersion: template.currentVersion },
    };
  }

  async softDelete(id: number, from: readonly CampaignStatus[], activity: ActivityInput): Promise<boolean> {
    const at = this.clock.now();
    return this.prisma.$transaction(async (tx) => {
      const before = await lockCampaign(tx, id);
      if (!before || !from.includes(before.status)) return false;
      await markCampaignDeleted(tx, id, at);
      await writeActivity(tx, id, before.status, null, activity, null, at);
      return true;
    });
  }

  async activity(id: number, limit: number): Promise<ActivityEntry[]> {
    const rows = await this.prisma.activity.findMany({ where: { campaignId: id }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }], take: limit });
    return rows.reverse().map((r) => ({
      id: r.id.toString(),
      campaignId: r.campaignId,
      runId: r.runId,
      actor: r.actor,
      action: r.action,
      fromStatus: r.fromStatus,
      toStatus: r.toStatus,
      transition: r.transition as TransitionName | null,
      reason: r.reason,
      detail: (r.detail as Record<string, unknown> | null) ?? null,
      createdAt: r.createdAt,
    }));
  }

  async upcoming(from: Date, to: Date): Promise<Campaign[]> {
    const rows = await this.prisma.campaign.findMany({
      where: {
        deletedAt: null,
        OR: [
          { status: { in: ['scheduled', 'queued'] }, nextRunAt: { gte: from, lt: to } },
          { status: 'scheduled', launchType: 'recurring' },
          { status: 'paused', resumeTo: { in: ['scheduled', 'queued'] }, nextRunAt: { gte: from, lt: to } },
        ],
      },
      include: WITH_RELATIONS,
      orderBy: { nextRunAt: 'asc' },
    });
    return rows.map(toCampaign);
  }

  async campaignsUsing(ref: CampaignRef, statuses?: readonly CampaignStatus[]): Promise<Campaign[]> {
    const uses: Prisma.CampaignWhereInput =
      'templateId' in ref
        ? { OR: [{ templateId: ref.templateId }, { variants: { some: { templateId: ref.templateId } } }] }
        : 'listId' in ref
          ? { listId: ref.listId }
          : { segments: { some: { segmentId: ref.segmentId } } };
    const rows = await this.prisma.campaign.findMany({
      where: { deletedAt: null, ...(statuses ? { status: { in: [...statuses] } } : {}), ...uses },
      include: WITH_RELATIONS,
      orderBy: { id: 'asc' },
    });
    return rows.map(toCampaign);
  }

  messageCounts(id: number): Promise<Record<string, number>> {
    return messageCountsByStatus(this.prisma, id);
  }

  async headlineCounts(ids: readonly number[]): Promise<Map<number, HeadlineCounts>> {
    const out = new Map<number, HeadlineCounts>();
    if (ids.length === 0) return out;
    const list = [...new Set(ids)];
    const [status, events] = await Promise.all([
      this.prisma.$queryRaw<{ campaignId: number; status: string; n: number }[]>`
        SELECT r.campaign_id AS "campaignId", c.status::text AS status, sum(c.count)::float8 AS n
        FROM run_status_count c JOIN run r ON r.id = c.run_id
        WHERE r.campaign_id IN (${Prisma.join(list)}) GROUP BY 1, 2 HAVING sum(c.count) <> 0`,
      this.prisma.$queryRaw<{ campaignId: number; metric: string; n: number }[]>`
        SELECT r.campaign_id AS "campaignId", c.metric, sum(c.count)::float8 AS n
        FROM run_event_count c JOIN run r ON r.id = c.run_id
        WHERE r.campaign_id IN (${Prisma.join(list)}) AND c.metric IN ('open:human:unique', 'click:human:unique') GROUP BY 1, 2`,
    ]);
    const of = (id: number) => {
      let h = out.get(id);
      if (!h) out.set(id, (h = { statusCounts: {}, uniqueOpens: 0, uniqueClicks: 0 }));
      return h;
    };
    for (const r of status) of(r.campaignId).statusCounts[r.status] = r.n;
    for (const r of events) {
      if (r.metric === 'open:human:unique') of(r.campaignId).uniqueOpens = r.n;
      else of(r.campaignId).uniqueClicks = r.n;
    }
    return out;
  }
}

async function readCampaign(tx: Tx, id: number): Promise<Campaign | null> {
  const row = await tx.campaign.findFirst({ where: { id, deletedAt: null }, include: WITH_RELATIONS });
  return row ? toCampaign(row) : null;
}

/** The run a repeated queueing transition had built, as the activity entry of the first one recorded it. */
async function repeatedRun(tx: Tx, id: number): Promise<RunSummary> {
  const last = await lastTransition(tx, id);
  const run = last?.runId ? await tx.run.findUnique({ where: { id: last.runId } }) : null;
  if (!last || !run) throw new Error(`campaign ${id}: a repeated queueing transition without the run it built`);
  const detail = last.detail ?? {};
  const count = (key: string) => (typeof detail[key] === 'number' ? (detail[key] as number) : 0);
  return { runId: run.id, number: run.number, messages: run.audienceCount, optedOut: count('optedOut'), skipped: run.skippedCount };
}

/** Segment and variant rows: written whole when the settings name them. */
async function writeRelations(tx: Tx, id: number, settings: Partial<CampaignSettings>): Promise<void> {
  if (settings.includeSegmentIds !== undefined || settings.excludeSegmentIds !== undefined) {
    const current = await tx.campaignSegment.findMany({ where: { campaignId: id } });
    const include = settings.includeSegmentIds ?? current.filter((s) => s.mode === 'include').map((s) => s.segmentId);
    const exclude = settings.excludeSegmentIds ?? current.filter((s) => s.mode === 'exclude').map((s) => s.segmentId);
    await tx.campaignSegment.deleteMany({ where: { campaignId: id } });
    await tx.campaignSegment.createMany({ data: segmentRows(include, exclude).map((s) => ({ ...s, campaignId: id })) });
  }
  if (settings.variants !== undefined) {
    await tx.variant.deleteMany({ where: { campaignId: id } });
    await tx.variant.createMany({ data: settings.variants.map((v) => ({ ...v, campaignId: id })) });
    // A ratio edit while the campaign is live reaches the rest of its run (seed 003): messages no
    // one has tried yet take the new split; what was sent or is being tried keeps its variant.
    if (settings.variants.reduce((sum, v) => sum + v.weight, 0) > 0) {
      await tx.$executeRaw`
        UPDATE message m SET variant = ${variantCase(settings.variants, Prisma.sql`m.recipient`)}
        FROM run r
        WHERE r.id = m.run_id AND r.campaign_id = ${id} AND r.status IN ('queued', 'sending', 'paused', 'suspended')
          AND m.status = 'queued' AND m.attempts = 0`;
    }
  }
}

async function segmentFilters(tx: Tx, c: Campaign): Promise<{ include: SegmentFilter[]; exclude: SegmentFilter[] }> {
  const ids = [...c.includeSegmentIds, ...c.excludeSegmentIds];
  const rows = ids.length ? await tx.segment.findMany({ where: { id: { in: ids } } }) : [];
  const byId = new Map(rows.map((r) => [r.id, r.filter as unknown as SegmentFilter]));
  return {
    include: c.includeSegmentIds.map((id) => byId.get(id)!).filter(Boolean),
    exclude: c.excludeSegmentIds.map((id) => byId.get(id)!).filter(Boolean),
  };
}

/** A/B split by a stable hash of the recipient, in proportion to the weights; NULL without variants. */
function variantCase(variants: readonly Variant[], recipient: Prisma.Sql): Prisma.Sql {
  if (variants.length === 0) return Prisma.sql`NULL`;
  const total = variants.reduce((sum, v) => sum + v.weight, 0);
  let upper = 0;
  const arms = variants.map((v) => {
    upper += v.weight;
    return Prisma.sql`WHEN mod(abs(hashtext(${recipient})::bigint), ${total}) < ${upper} THEN ${v.label}`;
  });
  return Prisma.sql`CASE ${Prisma.join(arms, ' ')} END`;
}

function segmentRows(include: number[], exclude: number[]): { segmentId: number; mode: 'include' | 'exclude' }[] {
  return [
    ...include.map((segmentId) => ({ segmentId, mode: 'include' as const })),
    ...exclude.map((segmentId) => ({ segmentId, mode: 'exclude' as const })),
  ];
}

function scalarSettings(s: Partial<CampaignSettings>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of ['name', 'description', 'tags', 'launchType', 'sendAt', 'timeZone', 'cron', 'ifLate', 'templateId', 'listId', 'smsTtlSeconds', 'tracking'] as const) {
    if (s[key] !== undefined) out[key] = s[key];
  }
  if (s.oneTimeFilter !== undefined) out.oneTimeFilter = s.oneTimeFilter === null ? Prisma.DbNull : (s.oneTimeFilter as unknown as Prisma.InputJsonValue);
  return out;
}

function toCampaign(row: Row): Campaign {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    tags: row.tags,
    channel: row.channel,
    status: row.status,
    resumeTo: row.resumeTo,
    statusReason: row.statusReason,
    statusDetails: (row.statusDetails as StatusReason[] | null) ?? null,
    launchType: row.launchType,
    sendAt: row.sendAt,
    timeZone: row.timeZone,
    cron: row.cron,
    nextRunAt: row.nextRunAt,
    ifLate: row.ifLate,
    templateId: row.templateId,
    listId: row.listId,
    includeSegmentIds: row.segments.filter((s) => s.mode === 'include').map((s) => s.segmentId),
    excludeSegmentIds: row.segments.filter((s) => s.mode === 'exclude').map((s) => s.segmentId),
    oneTimeFilter: (row.oneTimeFilter as SegmentFilter | null) ?? null,
    smsTtlSeconds: row.smsTtlSeconds,
    tracking: row.tracking,
    variants: row.variants.map((v) => ({ label: v.label, templateId: v.templateId, weight: v.weight })),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    clonedFromId: row.clonedFromId,
    version: row.version,
  };
}
