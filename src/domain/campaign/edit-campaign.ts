import { AppError } from '../errors.js';
import { campaignRef, missingForReady, type Campaign, type CampaignSettings } from './campaign.js';
import { actionRefused, loadCampaign, raceLost, type CampaignDeps, type CampaignOutcome } from './campaign-deps.js';
import { CONTENT_LOCKED, isActionAllowed, type CampaignStatus } from './campaign-status.js';
import { resolveSettings, type SettingsInput } from './campaign-settings.js';

/**
 * `edit`: settings change where the status allows it. Once queued the template and content are
 * locked (seed 000); only the variant ratio may change while it is live (seed 003). A draft that
 * becomes complete turns ready, and a ready one that loses its template or list turns draft.
 */
export async function editCampaign(
  deps: CampaignDeps,
  input: SettingsInput & { campaignId: number; actor: string; expectedVersion?: number },
): Promise<CampaignOutcome> {
  const campaign = await loadCampaign(deps, input.campaignId);
  // An edit made against an older version would be validated and compared against values its
  // author never saw; refuse it before anything else (the write itself is conditional on it too).
  if (input.expectedVersion !== undefined && campaign.version !== input.expectedVersion) throw staleEdit(campaign, input.expectedVersion);
  const resolved = await resolveSettings(deps, input, campaign);
  const changed = changedFields(campaign, resolved);
  if (changed.length === 0) {
    return { campaign, warnings: ['Nothing changed: every value given is what the campaign already has.'] };
  }
  const ratioOnly = changed.length === 1 && changed[0] === 'variants' && sameVariantTemplates(campaign, resolved);
  if (!isActionAllowed(campaign.status, 'edit')) {
    if (ratioOnly && isActionAllowed(campaign.status, 'ratio')) {
      return save(deps, campaign, resolved, [campaign.status], input, 'edit_ratio');
    }
    if (CONTENT_LOCKED.includes(campaign.status)) {
      throw new AppError(
        'TEMPLATE_LOCKED',
        `${campaignRef(campaign.id)} is ${campaign.status}: its template and content were locked when it was queued. ` +
          (isActionAllowed(campaign.status, 'ratio') ? 'Only the variant ratio can change now (the same variant labels and templates, new weights). ' : '') +
          `To send different content, clone it.`,
        { campaignId: campaign.id, status: campaign.status, changed, field: inputFieldOf(changed[0]) },
      );
    }
    throw actionRefused(campaign, 'edit');
  }
  return save(deps, campaign, resolved, [campaign.status], input, 'edit');
}

async function save(
  deps: CampaignDeps,
  campaign: Campaign,
  settings: Partial<CampaignSettings>,
  from: CampaignStatus[],
  input: { actor: string; expectedVersion?: number },
  action: string,
): Promise<CampaignOutcome> {
  const merged = { ...campaign, ...settings };
  let status: CampaignStatus | undefined;
  const missing = missingForReady(merged);
  if (campaign.status === 'draft' && missing.length === 0) status = 'ready';
  if (campaign.status === 'ready' && missing.length > 0) status = 'draft';
  const patch =
    campaign.status === 'scheduled' && (settings.sendAt !== undefined || settings.cron !== undefined)
      ? { nextRunAt: nextRun(deps, merged) }
      : undefined;
  const activity = { actor: input.actor, action, detail: { changed: changedFields(campaign, settings) } };
  let updated: Campaign | null;
  if (status) {
    // Completing a draft (or losing what made it complete) is a transition of the table, written with the settings.
    const name = status === 'ready' ? 'complete_setup' : 'reopen_setup';
    const result = await deps.campaigns.transition(campaign.id, { name, onlyFrom: from }, status, patch ?? {}, activity, {
      settings,
      expectedVersion: input.expectedVersion,
    });
    updated = result.outcome === 'refused' ? null : result.campaign;
  } else {
    updated = await deps.campaigns.update(campaign.id, from, { settings, patch, expectedVersion: input.expectedVersion }, activity);
  }
  if (!updated) {
    const current = await loadCampaign(deps, campaign.id);
    if (input.expectedVersion !== undefined && current.version !== input.expectedVersion && current.status === campaign.status) {
      throw staleEdit(current, input.expectedVersion);
    }
    throw raceLost(current, 'edit');
  }
  const warnings: string[] = [];
  if (status === 'draft') warnings.push(`Back to draft: it needs ${missing.join(' and ')}.`);
  if (status === 'ready') warnings.push('Complete: it is ready to run or schedule.');
  return { campaign: updated, warnings };
}

function staleEdit(current: Campaign, expectedVersion: number): AppError {
  return new AppError('CONFLICT', `${campaignRef(current.id)} was changed by someone else since you opened it (version ${expectedVersion}, now ${current.version}); nothing was saved. Look at it again and edit from there.`, {
    campaignId: current.id,
    expectedVersion,
    version: current.version,
  });
}

function nextRun(deps: CampaignDeps, c: Campaign): Date | null {
  if (c.launchType === 'recurring' && c.cron) {
    return deps.cron.nextRuns(c.cron, c.timeZone ?? deps.config.accountTimeZone, deps.clock.now(), 1)[0] ?? null;
  }
  return c.sendAt;
}

function changedFields(campaign: Campaign, settings: Partial<CampaignSettings>): string[] {
  return Object.entries(settings)
    .filter(([key, value]) => JSON.stringify(value) !== JSON.stringify(campaign[key as keyof Campaign]))
    .map(([key]) => key);
}

function sameVariantTemplates(campaign: Campaign, settings: Partial<CampaignSettings>): boolean {
  const next = settings.variants ?? [];
  const current = new Map(campaign.variants.map((v) => [v.label, v.templateId]));
  return next.length === campaign.variants.length && next.every((v) => current.get(v.label) === v.templateId);
}

/** The input field (as create and edit take it) that sets a stored setting: `templateId` is set by `template`. */
const INPUT_FIELD: Readonly<Record<string, string>> = {
  templateId: 'template',
  listId: 'list',
  includeSegmentIds: 'include',
  excludeSegmentIds: 'exclude',
  oneTimeFilter: 'filter',
  launchType: 'launch',
  sendAt: 'at',
  timeZone: 'tz',
  smsTtlSeconds: 'ttlSeconds',
};

function inputFieldOf(setting: string | undefined): string | undefined {
  return setting === undefined ? undefined : (INPUT_FIELD[setting] ?? setting);
}
