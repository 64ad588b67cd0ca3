import { describe, expect, it } from 'vitest';
import {
  ACTIONS_BY_STATUS,
  CAMPAIGN_STATUSES,
  TRANSITIONS,
  canTransitionToStatus,
  isActionAllowed,
  statusesAllowing,
} from '../../src/domain/campaign/campaign-status.js';

describe('campaign status table', () => {
  it('has the twelve statuses of PRODUCT.md', () => {
    expect([...CAMPAIGN_STATUSES].sort()).toEqual(
      ['cancelled', 'completed', 'draft', 'failed', 'paused', 'queued', 'ready', 'rejected', 'scheduled', 'sending', 'stopped', 'suspended'].sort(),
    );
  });

  it('gives every status its allowed actions from PRODUCT.md', () => {
    expect(isActionAllowed('draft', 'edit')).toBe(true);
    expect(isActionAllowed('draft', 'run')).toBe(false);
    expect(isActionAllowed('ready', 'run')).toBe(true);
    expect(isActionAllowed('scheduled', 'stop')).toBe(true);
    expect(isActionAllowed('queued', 'edit')).toBe(false);
    expect(isActionAllowed('queued', 'pause')).toBe(true);
    expect(isActionAllowed('sending', 'ratio')).toBe(true);
    expect(isActionAllowed('paused', 'resume')).toBe(true);
    expect(isActionAllowed('suspended', 'resume')).toBe(true);
    expect(isActionAllowed('stopped', 'relaunch')).toBe(true);
    expect(isActionAllowed('cancelled', 'resume')).toBe(false);
    expect(isActionAllowed('completed', 'retry')).toBe(true);
    expect(isActionAllowed('failed', 'relaunch')).toBe(true);
    expect(isActionAllowed('rejected', 'resubmit')).toBe(true);
  });

  it('makes cancelled terminal: no transition leaves it', () => {
    for (const to of CAMPAIGN_STATUSES) expect(canTransitionToStatus('cancelled', to)).toBe(false);
    expect(ACTIONS_BY_STATUS.cancelled).toEqual(['view', 'clone', 'export']);
  });

  it('only lists statuses that exist in its transitions', () => {
    for (const t of Object.values(TRANSITIONS)) {
      for (const s of [...t.from, ...t.to]) expect(CAMPAIGN_STATUSES).toContain(s);
    }
  });

  it('agrees with the actions: every action that changes status has a transition from each status allowing it', () => {
    const byAction: Record<string, keyof typeof TRANSITIONS> = {
      run: 'run',
      schedule: 'schedule',
      pause: 'pause',
      resume: 'resume',
      stop: 'stop',
      cancel: 'cancel',
      relaunch: 'relaunch',
      resubmit: 'resubmit',
      retry: 'retry',
    };
    for (const [action, transition] of Object.entries(byAction)) {
      for (const status of statusesAllowing(action as never)) {
        expect(TRANSITIONS[transition].from as readonly string[], `${action} from ${status}`).toContain(status);
      }
    }
  });
});
