import { describe, expect, it } from 'vitest';
import { CAMPAIGN_STATUSES, TRANSITIONS, type CampaignStatus, type TransitionName } from '../../src/domain/campaign/campaign-status.js';
import {
  assertInitialStatus,
  decideTransition,
  transitionCondition,
  type LastTransition,
} from '../../src/domain/campaign/campaign-transition.js';
import { isAppError } from '../../src/domain/errors.js';

const NAMES = Object.keys(TRANSITIONS) as TransitionName[];
const targets = (name: TransitionName) => TRANSITIONS[name].to as readonly CampaignStatus[];
const sources = (name: TransitionName) => TRANSITIONS[name].from as readonly CampaignStatus[];

function refusal(run: () => unknown): string | null {
  try {
    run();
    return null;
  } catch (error) {
    return isAppError(error) ? error.code : String(error);
  }
}

describe('decideTransition: the table decides every status write', () => {
  it('writes every name from exactly the statuses of its `from`, conditional on them, for every target it allows', () => {
    for (const name of NAMES) {
      for (const to of targets(name)) {
        for (const current of CAMPAIGN_STATUSES) {
          const decision = decideTransition({ name }, to, current, null, 'alice');
          if (sources(name).includes(current)) {
            expect(decision, `${name} ${current} -> ${to}`).toEqual({ kind: 'write', from: CAMPAIGN_STATUSES.filter((s) => sources(name).includes(s)) });
          } else {
            expect(decision, `${name} ${current} -> ${to}`).toEqual({ kind: 'refuse' });
          }
        }
      }
    }
  });

  it('refuses, before anything else, a target the table does not reach by that name, from any status', () => {
    for (const name of NAMES) {
      for (const to of CAMPAIGN_STATUSES.filter((s) => !targets(name).includes(s))) {
        for (const current of CAMPAIGN_STATUSES) {
          expect(refusal(() => decideTransition({ name }, to, current, null, 'alice')), `${name} ${current} -> ${to}`).toBe('INVALID_TRANSITION');
        }
      }
    }
    expect(refusal(() => decideTransition({ name: 'no_such' as TransitionName }, 'sending', 'queued', null, 'alice'))).toBe('INVALID_TRANSITION');
  });

  it('holds the product rules written out by hand, not read back from the table', () => {
    const allowed = (name: TransitionName, from: CampaignStatus, to: CampaignStatus) => {
      const code = refusal(() => decideTransition({ name }, to, from, null, 'alice'));
      return code === null && decideTransition({ name }, to, from, null, 'alice').kind === 'write';
    };
    // cancelled is terminal: nothing leaves it.
    for (const name of NAMES) for (const to of targets(name)) expect(allowed(name, 'cancelled', to), `${name} from cancelled`).toBe(false);
    // a draft only becomes ready; it never launches.
    expect(NAMES.filter((name) => targets(name).some((to) => allowed(name, 'draft', to)))).toEqual(['complete_setup']);
    // a completed campaign only goes back to sending by a retry.
    expect(NAMES.filter((name) => targets(name).some((to) => allowed(name, 'completed', to)))).toEqual(['retry']);
    expect(allowed('pause', 'ready', 'paused')).toBe(false);
    expect(allowed('retry', 'paused', 'sending')).toBe(false);
    expect(allowed('resume', 'suspended', 'sending')).toBe(true);
    expect(allowed('start_sending', 'scheduled', 'sending')).toBe(false);
  });

  it('narrows the condition to the use case`s `from`, and never widens it', () => {
    // resume passes the status the person saw.
    expect(decideTransition({ name: 'resume', onlyFrom: ['paused'] }, 'sending', 'suspended', null, 'alice')).toEqual({ kind: 'refuse' });
    expect(decideTransition({ name: 'resume', onlyFrom: ['paused'] }, 'sending', 'paused', null, 'alice')).toEqual({ kind: 'write', from: ['paused'] });
    // a wider list gives nothing the table does not: a pause from ready stays refused.
    expect(decideTransition({ name: 'pause', onlyFrom: [...CAMPAIGN_STATUSES] }, 'paused', 'ready', null, 'alice')).toEqual({ kind: 'refuse' });
    expect(transitionCondition({ name: 'pause', onlyFrom: [...CAMPAIGN_STATUSES] }, 'paused')).toEqual(['scheduled', 'queued', 'sending']);
    expect(transitionCondition({ name: 'cancel', onlyFrom: ['draft', 'ready'] }, 'cancelled')).toEqual([]);
    for (const name of NAMES) {
      for (const to of targets(name)) {
        for (const only of CAMPAIGN_STATUSES) {
          expect(transitionCondition({ name, onlyFrom: [only] }, to)).toEqual(sources(name).includes(only) ? [only] : []);
        }
      }
    }
  });

  it('answers a repeat of the same transition by the same actor as success, for every name and target', () => {
    for (const name of NAMES) {
      for (const to of targets(name)) {
        const last: LastTransition = { name, to, actor: 'alice' };
        const repeat = decideTransition({ name }, to, to, last, 'alice');
        // A transition that may start where it ends (retry: sending -> sending) is simply written again.
        expect(repeat.kind, `${name} -> ${to}`).toBe(sources(name).includes(to) ? 'write' : 'repeat');
        if (sources(name).includes(to)) continue;
        // Someone else's identical click lost the race: refused, so that exactly one of two people wins.
        expect(decideTransition({ name }, to, to, last, 'bob')).toEqual({ kind: 'refuse' });
        // Already in `to`, but by another transition, or the last transition went elsewhere: not a repeat.
        const other = NAMES.find((n) => n !== name)!;
        expect(decideTransition({ name }, to, to, { name: other, to, actor: 'alice' }, 'alice')).toEqual({ kind: 'refuse' });
        const elsewhere = CAMPAIGN_STATUSES.find((s) => s !== to)!;
        expect(decideTransition({ name }, to, to, { name, to: elsewhere, actor: 'alice' }, 'alice')).toEqual({ kind: 'refuse' });
        expect(decideTransition({ name }, to, to, null, 'alice')).toEqual({ kind: 'refuse' });
        // Moved on since (the status is no longer `to`): not a repeat either.
        for (const current of CAMPAIGN_STATUSES.filter((s) => s !== to && !sources(name).includes(s))) {
          expect(decideTransition({ name }, to, current, last, 'alice'), `${name} -> ${to} now ${current}`).toEqual({ kind: 'refuse' });
        }
      }
    }
  });

  it('creates campaigns only as draft or ready', () => {
    expect(refusal(() => assertInitialStatus('draft'))).toBeNull();
    expect(refusal(() => assertInitialStatus('ready'))).toBeNull();
    for (const status of CAMPAIGN_STATUSES.filter((s) => s !== 'draft' && s !== 'ready')) {
      expect(refusal(() => assertInitialStatus(status)), status).toBe('INVALID_TRANSITION');
    }
  });
});
