/**
 * The campaign state machine: every status, every named transition, and what people may do in each
 * status. No status is written that this table does not allow: stores change a status only by a
 * transition's name, conditional on its `from` (campaign-transition.ts decides, the database adapter's
 * campaign-writes.ts applies, and an architecture test fails on any other write).
 */
export const CAMPAIGN_STATUSES = [
  'draft',
  'ready',
  'scheduled',
  'queued',
  'sending',
  'paused',
  'suspended',
  'stopped',
  'cancelled',
  'completed',
  'failed',
  'rejected',
] as const;
export type CampaignStatus = (typeof CAMPAIGN_STATUSES)[number];

export const STATUS_MEANING: Record<CampaignStatus, string> = {
  draft: 'incomplete: edit it until it has a template and an audience',
  ready: 'complete, waiting for a manual launch',
  scheduled: 'waiting for its send time',
  queued: 'audience and template snapshot built; template locked',
  sending: 'messages going out',
  paused: 'stopped by a person; resumable',
  suspended: 'stopped by the system; resumable once the reason is fixed',
  stopped: 'halted before completion; edit and relaunch',
  cancelled: 'cancelled for good',
  completed: 'every message attempted',
  failed: 'could not start; see the reasons',
  rejected: 'refused by the content rules; edit and resubmit',
};

/**
 * Transitions by name: who may cause them is decided by the use case, where they may go is decided here.
 * Runs have statuses too, but no table: a run's status is bookkeeping that follows its campaign's
 * transitions and its messages' progress (started, finished, halted with a stopped or cancelled
 * campaign), written by the delivery store's conditional updates and never chosen by a person.
 */
export const TRANSITIONS = {
  // setup
  complete_setup: { from: ['draft'], to: ['ready'] },
  reopen_setup: { from: ['ready'], to: ['draft'] },
  // launch
  run: { from: ['ready'], to: ['queued'] },
  schedule: { from: ['ready'], to: ['scheduled'] },
  relaunch: { from: ['stopped', 'failed'], to: ['ready', 'scheduled', 'queued'] },
  resubmit: { from: ['rejected'], to: ['ready', 'scheduled', 'queued'] },
  fail_launch: { from: ['ready', 'scheduled', 'stopped', 'failed', 'rejected'], to: ['failed'] },
  reject_content: { from: ['ready', 'scheduled', 'stopped', 'failed', 'rejected'], to: ['rejected'] },
  // system (scheduler and delivery engine)
  prebuild: { from: ['scheduled'], to: ['queued'] },
  start_sending: { from: ['queued'], to: ['sending'] },
  suspend: { from: ['sending', 'queued'], to: ['suspended'] },
  complete: { from: ['sending'], to: ['completed', 'scheduled'] },
  // A send found overdue after downtime (the campaign's --if-late policy): skipped to the next run of
  // a recurring campaign, or missed by a one-off (stopped: set a new time and relaunch, as a one-off
  // whose time passed while paused); or held for a person to decide (suspended: resume sends it now).
  skip_late: { from: ['scheduled', 'queued'], to: ['scheduled', 'stopped'] },
  hold_late: { from: ['scheduled', 'queued'], to: ['suspended'] },
  // people, while it is live. Pausing a scheduled campaign holds it before its send time (seed 000:
  // "Pause is most reliable before the scheduled send time").
  pause: { from: ['scheduled', 'queued', 'sending'], to: ['paused'] },
  resume: { from: ['paused', 'suspended'], to: ['scheduled', 'queued', 'sending', 'stopped'] },
  stop: { from: ['scheduled', 'sending'], to: ['stopped'] },
  cancel: { from: ['scheduled', 'queued', 'paused', 'suspended', 'sending'], to: ['cancelled'] },
  retry: { from: ['sending', 'completed'], to: ['sending'] },
} as const satisfies Record<string, { from: readonly CampaignStatus[]; to: readonly CampaignStatus[] }>;

export type TransitionName = keyof typeof TRANSITIONS;

export const CAMPAIGN_ACTIONS = [
  'view',
  'edit',
  'delete',
  'clone',
  'run',
  'schedule',
  'pause',
  'resume',
  'stop',
  'cancel',
  'relaunch',
  'resubmit',
  'retry',
  'export',
  'ratio',
] as const;
export type CampaignAction = (typeof CAMPAIGN_ACTIONS)[number];

/**
 * What a person may do in each status (PRODUCT.md's table). Additions, each from a seed: `pause` on
 * scheduled (seed 000); `clone` and `export` everywhere because they only read the campaign;
 * `ratio` wherever messages are still to go (seed 003: ratio editable while active).
 */
export const ACTIONS_BY_STATUS: Record<CampaignStatus, readonly CampaignAction[]> = {
  draft: ['view', 'edit', 'delete', 'clone'],
  ready: ['view', 'run', 'schedule', 'edit', 'clone', 'delete'],
  scheduled: ['view', 'edit', 'pause', 'stop', 'cancel', 'clone'],
  queued: ['view', 'pause', 'cancel', 'clone', 'ratio', 'export'],
  sending: ['view', 'pause', 'stop', 'cancel', 'ratio', 'clone', 'export', 'retry'],
  paused: ['view', 'resume', 'cancel', 'clone', 'ratio', 'export'],
  suspended: ['view', 'resume', 'cancel', 'clone', 'ratio', 'export'],
  stopped: ['view', 'edit', 'relaunch', 'clone', 'export'],
  cancelled: ['view', 'clone', 'export'],
  completed: ['view', 'retry', 'export', 'clone', 'delete'],
  failed: ['view', 'edit', 'relaunch', 'clone'],
  rejected: ['view', 'edit', 'resubmit', 'clone'],
};

/** Statuses in which the template and content are frozen (a snapshot exists or is being sent). */
export const CONTENT_LOCKED: readonly CampaignStatus[] = ['queued', 'sending', 'paused', 'suspended', 'completed', 'cancelled'];

/** Statuses whose campaigns have not launched yet: template sending-detail edits still reach them. */
export const NOT_YET_LAUNCHED: readonly CampaignStatus[] = ['draft', 'ready', 'scheduled', 'stopped', 'failed', 'rejected'];

export function isCampaignStatus(value: string): value is CampaignStatus {
  return (CAMPAIGN_STATUSES as readonly string[]).includes(value);
}

export function canTransitionToStatus(from: CampaignStatus, to: CampaignStatus): boolean {
  return Object.values(TRANSITIONS).some(
    (t) => (t.from as readonly CampaignStatus[]).includes(from) && (t.to as readonly CampaignStatus[]).includes(to),
  );
}

export function transitionAllows(name: TransitionName, from: CampaignStatus, to: CampaignStatus): boolean {
  const t = TRANSITIONS[name];
  return (t.from as readonly CampaignStatus[]).includes(from) && (t.to as readonly CampaignStatus[]).includes(to);
}

export function allowedActions(status: CampaignStatus): readonly CampaignAction[] {
  return ACTIONS_BY_STATUS[status];
}

export function isActionAllowed(status: CampaignStatus, action: CampaignAction): boolean {
  return ACTIONS_BY_STATUS[status].includes(action);
}

/** The statuses from which `action` is allowed: the `from` of its conditional write. */
export function statusesAllowing(action: CampaignAction): CampaignStatus[] {
  return CAMPAIGN_STATUSES.filter((s) => ACTIONS_BY_STATUS[s].includes(action));
}
