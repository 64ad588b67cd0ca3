import { AppError } from '../errors.js';
import { CAMPAIGN_STATUSES, TRANSITIONS, type CampaignStatus, type TransitionName } from './campaign-status.js';

/**
 * How a campaign's status may change, decided from the transition table alone: the stores lock the
 * campaign, read its last transition and apply what `decideTransition` answers, so no status is
 * written that the table does not allow.
 */

/** The statuses a campaign is created in: incomplete or complete, never launched by creating it. */
export const INITIAL_STATUSES = ['draft', 'ready'] as const satisfies readonly CampaignStatus[];
export type InitialStatus = (typeof INITIAL_STATUSES)[number];

/** A named transition of the table and, when the use case needs one, a narrower condition. */
export interface TransitionRef {
  name: TransitionName;
  /**
   * Statuses the use case accepts (e.g. resume: the one the person saw). Intersected with the
   * table's `from`: it can narrow the write condition, never widen it.
   */
  onlyFrom?: readonly CampaignStatus[];
}

/** The campaign's last status change as its activity log recorded it. */
export interface LastTransition {
  name: string;
  to: CampaignStatus | null;
  actor: string;
}

export type TransitionDecision =
  /** Write `to`, conditional on the status still being one of `from`. */
  | { kind: 'write'; from: CampaignStatus[] }
  /** Already done: the campaign is in `to` by this same transition by this same actor. */
  | { kind: 'repeat' }
  /** The campaign is elsewhere: someone else moved it, or it never could. */
  | { kind: 'refuse' };

export function isTransitionName(name: string): name is TransitionName {
  return Object.hasOwn(TRANSITIONS, name);
}

export function isInitialStatus(status: string): status is InitialStatus {
  return (INITIAL_STATUSES as readonly string[]).includes(status);
}

/** Refuses a first status other than draft or ready: creating a campaign never launches it. */
export function assertInitialStatus(status: string): asserts status is InitialStatus {
  if (!isInitialStatus(status)) {
    throw new AppError('INVALID_TRANSITION', `A campaign is created as ${INITIAL_STATUSES.join(' or ')}, not ${status}.`, { status });
  }
}

/**
 * The write condition of `name` into `to`: the table's `from`, narrowed by `onlyFrom`. Throws when the
 * table does not lead there by that name: that is a use case asking for a change nobody may make.
 */
export function transitionCondition(ref: TransitionRef, to: CampaignStatus): CampaignStatus[] {
  if (!isTransitionName(ref.name)) {
    throw new AppError('INVALID_TRANSITION', `There is no transition named ${String(ref.name)}.`, { transition: ref.name });
  }
  const t = TRANSITIONS[ref.name];
  if (!(t.to as readonly CampaignStatus[]).includes(to)) {
    throw new AppError('INVALID_TRANSITION', `The ${ref.name} transition leads to ${t.to.join(' or ')}, never to ${to}.`, {
      transition: ref.name,
      to,
    });
  }
  const from = t.from as readonly CampaignStatus[];
  // In the table's order, so that the condition reads the same whichever list the caller gave.
  return CAMPAIGN_STATUSES.filter((s) => from.includes(s) && (ref.onlyFrom === undefined || ref.onlyFrom.includes(s)));
}

/**
 * What to do with a request to move a campaign now in `current`. A move the table allows is written;
 * otherwise, a campaign already in `to` whose last transition was this one, into `to`, by the same
 * actor, is a repeat of a request that already succeeded (a Slack retry, a double click, a tick run
 * again after a crash) and is answered as success. The same move by someone else is refused: of two
 * people clicking at once, exactly one wins (PRODUCT.md).
 */
export function decideTransition(
  ref: TransitionRef,
  to: CampaignStatus,
  current: CampaignStatus,
  last: LastTransition | null,
  actor: string,
): TransitionDecision {
  const from = transitionCondition(ref, to);
  if (from.includes(current)) return { kind: 'write', from };
  if (current === to && last !== null && last.name === ref.name && last.to === to && last.actor === actor) return { kind: 'repeat' };
  return { kind: 'refuse' };
}
