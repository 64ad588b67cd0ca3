import { describe, expect, it } from 'vitest';
import { EMAIL_CHANNEL, SMS_CHANNEL, type ChannelSpec } from '../../src/domain/channels/channel-spec.js';
import type { FailureCategory } from '../../src/domain/delivery/message-status.js';
import { budgetSpent, decideOutcome, type OutcomePolicy } from '../../src/domain/delivery/outcome-policy.js';
import type { SendResult } from '../../src/domain/ports/channel-provider.js';
import type { ClaimedMessage } from '../../src/domain/ports/delivery-store.js';

const NOW = new Date('2030-01-15T12:00:00Z');
const PUSH: ChannelSpec = { ...SMS_CHANNEL, name: 'push', address: { attribute: 'push_token' }, sender: 'none', segmented: false, quietHours: false, ttl: false, receipts: false };

function message(attempts: number, recipient = 'ann@example.com'): ClaimedMessage {
  return { id: '42', runId: 1, campaignId: 1001, contactId: 7, recipient, variant: null, attempts, attributes: {}, email: recipient, phone: null, timeZone: null, suppressed: false };
}

function policy(channel: ChannelSpec = EMAIL_CHANNEL, random = () => 0.5): OutcomePolicy {
  return { channel, providerName: 'smtp', maxAttempts: 5, retryBaseMs: 30_000, random };
}

const permanent = (category: FailureCategory, reason = 'the provider said no'): SendResult => ({ outcome: 'permanent', category, reason });
const retryable = (category: FailureCategory, retryAfterMs?: number): SendResult => ({ outcome: 'retryable', category, reason: '450 try later', ...(retryAfterMs !== undefined ? { retryAfterMs } : {}) });

describe('decideOutcome: what the engine does with each provider answer', () => {
  it('records an email accepted by the receiving server as delivered, and an accepted SMS as sending until its receipt', () => {
    const email = decideOutcome(message(1), { outcome: 'sent', providerMessageId: '<m1@x>', final: true }, NOW, policy());
    expect(email).toEqual({ outcome: { id: '42', status: 'delivered', providerMessageId: '<m1@x>', sent: true, segments: null, costMicros: null } });
    const sms = decideOutcome(message(1, '+33600000000'), { outcome: 'sent', providerMessageId: 'SM1', final: false, segments: 2, costMicros: 15_000 }, NOW, policy(SMS_CHANNEL));
    expect(sms).toEqual({ outcome: { id: '42', status: 'sending', providerMessageId: 'SM1', sent: true, segments: 2, costMicros: 15_000 } });
    for (const d of [email, sms]) {
      expect(d.outcome.countsAsFailure).toBeUndefined();
      expect(d.suppress).toBeUndefined();
      expect(d.suspend).toBeUndefined();
    }
  });

  // Permanent answers, by category: [category, channel, status, counts against the budget, suppression reason]
  const PERMANENT: [FailureCategory, ChannelSpec, string, boolean, string | null][] = [
    ['opted_out', EMAIL_CHANNEL, 'opted_out', false, 'provider_opt_out'],
    ['opted_out', SMS_CHANNEL, 'opted_out', false, 'provider_opt_out'],
    ['invalid_recipient', EMAIL_CHANNEL, 'bounced', true, 'hard_bounce'],
    ['invalid_recipient', SMS_CHANNEL, 'failed', true, null],
    ['invalid_recipient', PUSH, 'failed', true, null],
    ['blocked', EMAIL_CHANNEL, 'blocked', true, null],
    ['blocked', SMS_CHANNEL, 'blocked', true, null],
    ['content_rejected', EMAIL_CHANNEL, 'failed', true, null],
    ['mailbox_full', EMAIL_CHANNEL, 'failed', true, null],
    ['provider_error', EMAIL_CHANNEL, 'failed', true, null],
    ['temporary', EMAIL_CHANNEL, 'failed', true, null],
    ['expired', SMS_CHANNEL, 'failed', true, null],
  ];
  it.each(PERMANENT)('permanent %s on %s: %s', (category, channel, status, countsAsFailure, suppressReason) => {
    const d = decideOutcome(message(1), permanent(category), NOW, policy(channel));
    expect(d.outcome).toMatchObject({ id: '42', status, category, reason: 'the provider said no' });
    expect(d.outcome.countsAsFailure === true).toBe(countsAsFailure);
    expect(d.suppress ?? null).toEqual(suppressReason ? { address: 'ann@example.com', reason: suppressReason, source: 'smtp' } : null);
    expect(d.suspend).toBeUndefined();
    // A final answer is never retried by itself.
    expect(d.outcome.status).not.toBe('retrying');
  });

  it('records an answer that may have sent (ambiguous) as unknown: never retried, not counted as a failure', () => {
    const d = decideOutcome(message(1), permanent('ambiguous', 'connection lost after the request'), NOW, policy(SMS_CHANNEL));
    expect(d.outcome).toEqual({ id: '42', status: 'unknown', category: 'ambiguous', reason: 'connection lost after the request' });
    expect(d.suppress).toBeUndefined();
    expect(d.suspend).toBeUndefined();
  });

  it.each(['account', 'configuration'] as const)('suspends the campaign on a %s problem and puts the message back untouched', (category) => {
    const d = decideOutcome(message(3), permanent(category, '535 authentication failed'), NOW, policy());
    expect(d.suspend).toBe('smtp: 535 authentication failed');
    // Not this message's fault: queued again now, the attempt not counted, nothing recorded against it.
    expect(d.outcome).toEqual({ id: '42', status: 'queued', category: null, reason: null, nextAttemptAt: NOW, notAnAttempt: true });
    expect(d.outcome.countsAsFailure).toBeUndefined();
    expect(d.suppress).toBeUndefined();
  });

  // Deferrals: [attempt that failed, random, Retry-After, expected wait]
  const DEFERRALS: [number, number, number | undefined, number][] = [
    [1, 0.5, undefined, 30_000], // first wait is the base
    [2, 0, undefined, 30_000],
    [2, 1, undefined, 60_000],
    [3, 0.5, undefined, 75_000], // uniform in [30 s, 120 s]
    [4, 1, undefined, 240_000],
    [2, 0, 600_000, 600_000], // the provider's Retry-After wins when longer
    [4, 1, 1_000, 240_000], // and the back-off when the Retry-After is shorter
  ];
  it.each(DEFERRALS)('a deferral of attempt %i (random %d, Retry-After %s) waits %i ms', (attempts, random, retryAfterMs, wait) => {
    const d = decideOutcome(message(attempts), retryable('temporary', retryAfterMs), NOW, policy(EMAIL_CHANNEL, () => random));
    expect(d.outcome).toEqual({ id: '42', status: 'retrying', category: 'temporary', reason: '450 try later', nextAttemptAt: new Date(NOW.getTime() + wait) });
    expect(d.outcome.countsAsFailure).toBeUndefined();
    expect(d.suspend).toBeUndefined();
  });

  it('gives up on the last automatic attempt: failed for good, counted, with the provider reason kept', () => {
    expect(decideOutcome(message(4), retryable('mailbox_full'), NOW, policy()).outcome.status).toBe('retrying');
    const d = decideOutcome(message(5), retryable('mailbox_full'), NOW, policy());
    expect(d.outcome).toMatchObject({ status: 'failed', category: 'mailbox_full', countsAsFailure: true });
    expect(d.outcome.reason).toBe('gave up after 5 attempts: 450 try later');
    expect(d.outcome.nextAttemptAt).toBeUndefined();
    // Past the limit (a retry by hand of a message that already used its attempts) it still gives up.
    expect(decideOutcome(message(9), retryable('connection'), NOW, policy()).outcome.status).toBe('failed');
  });
});

describe('budgetSpent: the error budget', () => {
  const budget = { percent: 20, minAttempts: 50 };
  // [attempts, failures, percent, minAttempts, spent]
  const CASES: [number, number, number, number, boolean][] = [
    [0, 0, 20, 50, false],
    [49, 49, 20, 50, false], // too few attempts to judge, however bad
    [50, 9, 20, 50, false], // 18 %
    [50, 10, 20, 50, true], // exactly the limit spends it
    [50, 11, 20, 50, true],
    [1000, 199, 20, 50, false],
    [1000, 200, 20, 50, true],
    [50, 0, 0, 50, false], // a zero budget is spent by the first failure, not by none
    [50, 1, 0, 50, true],
    [50, 49, 100, 50, false], // 100 %: only when every attempt failed
    [50, 50, 100, 50, true],
    [1, 1, 20, 1, true],
  ];
  it.each(CASES)('%i attempts, %i failed, budget %i %% of at least %i: spent=%s', (windowAttempts, windowFailures, percent, minAttempts, spent) => {
    expect(budgetSpent({ windowAttempts, windowFailures }, { percent, minAttempts })).toBe(spent);
  });

  it('is monotonic: more failures in the same window never un-spend it', () => {
    for (let failures = 0; failures <= 60; failures++) {
      const spent = budgetSpent({ windowAttempts: 60, windowFailures: failures }, budget);
      expect(spent).toBe(failures >= 12);
    }
  });
});
