import { campaignRef, type Campaign } from '../campaign/campaign.js';
import type { CampaignDeps } from '../campaign/campaign-deps.js';
import { formatInZone } from '../campaign/launch-campaign.js';
import type { StatusPatch } from '../ports/campaign-store.js';

/** The status detail code that marks a campaign held by `--if-late ask` (resume reads it). */
export const OVERDUE_HOLD_CODE = 'overdue';

/** Whether a send due at `dueAt` is overdue at `now`: the scheduler reached it too late (Herald was down). */
export function isOverdue(deps: Pick<CampaignDeps, 'config'>, dueAt: Date, now: Date): boolean {
  return now.getTime() - dueAt.getTime() > deps.config.overdueAfterMs;
}

/** Whether the campaign is suspended because its overdue send waits for a person's decision. */
export function isHeldAsOverdue(campaign: Campaign): boolean {
  return campaign.status === 'suspended' && (campaign.statusDetails ?? []).some((d) => d.code === OVERDUE_HOLD_CODE);
}

/**
 * A scheduled send found overdue, before it is prebuilt (`scheduled`) or started (`queued`): applies
 * the campaign's `--if-late` policy. `proceed` lets the scheduler go on as on time (send late);
 * `handled` means the policy skipped or held it (or someone else moved the campaign meanwhile).
 * Every change is a conditional transition, so two ticks at once apply it once.
 */
export async function applyLatePolicy(
  deps: CampaignDeps,
  campaign: Campaign,
  dueAt: Date,
  from: 'scheduled' | 'queued',
  actor: string,
): Promise<'proceed' | 'handled'> {
  const now = deps.clock.now();
  const zone = campaign.timeZone ?? deps.config.accountTimeZone;
  const base = { kind: 'campaign.overdue' as const, campaignId: campaign.id, campaignName: campaign.name, dueAt, policy: campaign.ifLate, at: now };
  const late = `due at ${formatInZone(dueAt, zone)} while Herald was not running`;
  if (campaign.ifLate === 'send_late') {
    deps.notifier.notify({ ...base, outcome: 'sent_late', nextRunAt: null });
    return 'proceed';
  }
  if (campaign.ifLate === 'skip') {
    const next = campaign.launchType === 'recurring' && campaign.cron ? (deps.cron.nextRuns(campaign.cron, zone, now, 1)[0] ?? null) : null;
    const patch: StatusPatch = next
      ? { nextRunAt: next }
      : { nextRunAt: null, statusReason: `send time ${formatInZone(dueAt, zone)} was missed while Herald was not running (if late: skip)` };
    const moved = await deps.campaigns.transition(campaign.id, { name: 'skip_late', onlyFrom: [from] }, next ? 'scheduled' : 'stopped', patch, {
      actor,
      reason: next ? `run ${late} skipped (if late: skip); next run ${formatInZone(next, zone)}` : `${late}: not sent (if late: skip)`,
      detail: { dueAt: dueAt.toISOString(), policy: campaign.ifLate, nextRunAt: next?.toISOString() ?? null },
    });
    if (moved.outcome === 'moved') deps.notifier.notify({ ...base, outcome: next ? 'skipped' : 'missed', nextRunAt: next });
    return 'handled';
  }
  const ref = campaignRef(campaign.id);
  const reason = `${late}: resume ${ref} to send now, resume it skipping this send, or cancel it`;
  const held = await deps.campaigns.transition(
    campaign.id,
    { name: 'hold_late', onlyFrom: [from] },
    'suspended',
    { resumeTo: from, statusReason: reason, statusDetails: [{ code: OVERDUE_HOLD_CODE, message: `${late}; waiting for a decision (if late: ask)` }] },
    { actor, reason, detail: { dueAt: dueAt.toISOString(), policy: campaign.ifLate } },
  );
  if (held.outcome === 'moved') deps.notifier.notify({ ...base, outcome: 'held', nextRunAt: null });
  return 'handled';
}
