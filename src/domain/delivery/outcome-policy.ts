import type { ChannelSpec } from '../channels/channel-spec.js';
import type { SendResult } from '../ports/channel-provider.js';
import type { ClaimedMessage, MessageOutcome } from '../ports/delivery-store.js';
import { backoffMs } from './backoff.js';

export interface OutcomePolicy {
  channel: ChannelSpec;
  providerName: string;
  maxAttempts: number;
  retryBaseMs: number;
  random: () => number;
}

/** What the engine does with one provider answer: the ledger write, and maybe a suppression or a suspension. */
export interface Decision {
  outcome: MessageOutcome;
  suppress?: { address: string; reason: string; source: string };
  /** The whole campaign must stop: an account or configuration problem no retry of this message fixes. */
  suspend?: string;
}

/**
 * The engine's rules (STYLE.md habit 5: providers report, the domain decides). Email accepted by the
 * receiving server is delivered; an SMS accepted by Twilio stays `sending` until its receipt. A
 * provider failure that may have sent (Twilio 500 on create) is `unknown`, never resent by itself.
 */
export function decideOutcome(m: ClaimedMessage, result: SendResult, now: Date, policy: OutcomePolicy): Decision {
  if (result.outcome === 'sent') {
    return {
      outcome: {
        id: m.id,
        status: result.final ? 'delivered' : 'sending',
        providerMessageId: result.providerMessageId,
        sent: true,
        segments: result.segments ?? null,
        costMicros: result.costMicros ?? null,
      },
    };
  }
  const { category, reason } = result;
  if (result.outcome === 'retryable') {
    if (m.attempts >= policy.maxAttempts) {
      return { outcome: { id: m.id, status: 'failed', category, reason: `gave up after ${m.attempts} attempts: ${reason}`, countsAsFailure: true } };
    }
    const wait = Math.max(backoffMs(m.attempts, policy.retryBaseMs, policy.random), result.retryAfterMs ?? 0);
    return { outcome: { id: m.id, status: 'retrying', category, reason, nextAttemptAt: new Date(now.getTime() + wait) } };
  }
  switch (category) {
    case 'opted_out':
      return {
        outcome: { id: m.id, status: 'opted_out', category, reason },
        suppress: { address: m.recipient, reason: 'provider_opt_out', source: policy.providerName },
      };
    case 'invalid_recipient':
      if (policy.channel.content === 'email') {
        // A hard bounce: mailing a dead address again hurts the sender's reputation.
        return {
          outcome: { id: m.id, status: 'bounced', category, reason, countsAsFailure: true },
          suppress: { address: m.recipient, reason: 'hard_bounce', source: policy.providerName },
        };
      }
      return { outcome: { id: m.id, status: 'failed', category, reason, countsAsFailure: true } };
    case 'blocked':
      return { outcome: { id: m.id, status: 'blocked', category, reason, countsAsFailure: true } };
    case 'ambiguous':
      return { outcome: { id: m.id, status: 'unknown', category, reason } };
    case 'account':
    case 'configuration':
      // Not this message's fault: it goes back to the queue untouched and the campaign is suspended.
      return {
        outcome: { id: m.id, status: 'queued', category: null, reason: null, nextAttemptAt: now, notAnAttempt: true },
        suspend: `${policy.providerName}: ${reason}`,
      };
    default:
      return { outcome: { id: m.id, status: 'failed', category, reason, countsAsFailure: true } };
  }
}

/** The error budget: suspend once enough attempts were made and too large a share failed for good. */
export function budgetSpent(window: { windowAttempts: number; windowFailures: number }, budget: { percent: number; minAttempts: number }): boolean {
  return window.windowAttempts >= budget.minAttempts && window.windowFailures * 100 >= budget.percent * window.windowAttempts && window.windowFailures > 0;
}
