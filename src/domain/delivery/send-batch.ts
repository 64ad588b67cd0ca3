import type { ActiveRun, ClaimedMessage } from '../ports/delivery-store.js';
import type { ChannelProvider, OutboundMessage, SendResult } from '../ports/channel-provider.js';
import { budgetSpent, decideOutcome, type Decision } from './outcome-policy.js';
import { SYSTEM_ACTOR, type DeliveryDeps } from './delivery-deps.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { nextWindowOpening } from './quiet-hours.js';
import { renderMessage, type RenderContext } from './render-message.js';
import { smsCostMicros } from '../metrics/sms-pricing.js';
import { LinkRegistrationError } from '../tracking/track-message.js';

/**
 * Claims one batch of a sending run and sends it. Claimed messages are `sending` (committed) before
 * anything else; each is then recorded as handed over just before its provider call, holding one of
 * the provider's slots until its outcome is queued for the ledger (see LedgerJournal). A crash thus
 * leaves `unknown` only what was with a provider, at most one message per slot; the rest of the
 * batch goes back to the queue. Returns how many messages were claimed.
 */
export async function sendRunBatch(deps: DeliveryDeps, run: ActiveRun, owner: string): Promise<number> {
  const provider = deps.providers[run.channel];
  if (!provider) return 0;
  const { config } = deps;
  const spec = provider.spec;
  const rate = config.rates[run.channel] ?? spec.defaultRatePerSecond;
  const limit = Math.max(1, Math.min(config.batchSize, Math.ceil(rate * 2)));
  const claimDone = deps.metrics.startClaim(run.channel);
  const claimed = await deps.delivery.claim(run.runId, owner, deps.campaign.clock.now(), config.leaseMs, limit);
  claimDone(claimed.length);
  if (claimed.length === 0) return 0;
  const ctx: RenderContext = {
    channel: spec,
    snapshot: run.snapshot,
    campaignName: run.campaignName,
    smsTtlSeconds: run.smsTtlSeconds,
    defaultSmsSender: deps.campaign.config.defaultSmsSender,
    unsubscribeUrl: (id) => (spec.content === 'email' ? deps.links.unsubscribeUrl(id) : null),
    statusCallbackUrl: spec.receipts ? deps.links.smsStatusCallbackUrl : null,
    tracking: run.tracking ? deps.links.tracking : null,
  };
  const policy = { channel: spec, providerName: provider.name, maxAttempts: config.maxAttempts, retryBaseMs: config.retryBaseMs, random: deps.random };
  let suspendedFor: string | null = null;
  const settled: Promise<void>[] = [];
  const settle = (decision: Decision): Decision => {
    const { outcome } = decision;
    settled.push(deps.journal.settle({ runId: run.runId, owner, outcome }));
    deps.metrics.outcome(run.channel, outcome);
    deps.log('delivery.outcome', { campaignId: run.campaignId, runId: run.runId, messageId: outcome.id, status: outcome.status, category: outcome.category ?? null }, 'debug');
    return decision;
  };

  // Twice as many lanes as the provider has slots: while some messages are with the provider, the
  // next ones are rendered and waiting for a slot, so a slot given back is taken at once.
  const decisions = await mapWithConcurrency(claimed, deps.slots.capacity(run.channel) * 2, async (m): Promise<Decision | null> => {
    const now = deps.campaign.clock.now();
    // Once the campaign must stop, the rest of the batch goes back to the queue unsent.
    if (suspendedFor) return settle({ outcome: { id: m.id, status: 'queued', nextAttemptAt: now, notAnAttempt: true } });
    // Opted out after the run was built (a STOP while it waited for quiet hours or a back-off).
    if (m.suppressed) return settle({ outcome: { id: m.id, status: 'opted_out', reason: 'on the suppression list when its turn came', notAnAttempt: true } });
    if (spec.quietHours) {
      const opening = nextWindowOpening(now, m.timeZone, deps.campaign.config.accountTimeZone, config.smsSendWindow);
      if (opening) return settle({ outcome: { id: m.id, status: 'queued', nextAttemptAt: opening, notAnAttempt: true, reason: 'held for quiet hours' } });
    }
    let message;
    try {
      message = await renderMessage(deps.campaign.templateEngine, ctx, m);
    } catch (error) {
      // Not the template's fault: the message waits for its next attempt, with nothing sent.
      if (error instanceof LinkRegistrationError) return settle(decide(m, { outcome: 'retryable', category: 'temporary', reason: error.message }));
      // A template that fails to render fails for everyone: stop the campaign rather than fail each message.
      return settle(decide(m, { outcome: 'permanent', category: 'configuration', reason: `template did not render: ${(error as Error).message}` }));
    }
    const release = await deps.slots.acquire(run.channel);
    try {
      await deps.pacer.acquire(spec.name, spec.segmented ? provider.segments(message.text) : 1);
      if (suspendedFor) return settle({ outcome: { id: m.id, status: 'queued', nextAttemptAt: deps.campaign.clock.now(), notAnAttempt: true } });
      const handedOver = deps.journal.handOver(owner, m.id);
      const providerDone = deps.metrics.startProviderCall(run.channel);
      const result = await handOverAndSend(provider, message, handedOver);
      // Lost the lease meanwhile (swept, then claimed by someone else): not ours, and nothing was sent.
      if (result === null) return null;
      providerDone(result);
      return settle(decide(m, result));
    } finally {
      release();
    }
  });

  function decide(m: ClaimedMessage, result: SendResult): Decision {
    const decision = decideOutcome(m, result, deps.campaign.clock.now(), policy);
    // Priced from SMS_PRICE_PER_SEGMENT when the provider says nothing (Twilio often has no price yet).
    const o = decision.outcome;
    if (spec.segmented && config.smsPricing && o.segments && o.costMicros == null) o.costMicros = smsCostMicros(config.smsPricing, m.recipient, o.segments);
    if (decision.suspend) suspendedFor ??= decision.suspend;
    return decision;
  }

  await Promise.all(settled);
  const made = decisions.filter((d): d is Decision => d !== null);
  for (const d of made) {
    if (d.suppress) await deps.suppressions.add(d.suppress);
  }
  const failures = made.filter((d) => d.outcome.countsAsFailure).length;
  if (failures) deps.log('delivery.failures', { campaignId: run.campaignId, runId: run.runId, failures, batch: claimed.length }, 'warn');
  if (suspendedFor) {
    await suspend(deps, run, `provider problem — ${suspendedFor}`);
  } else {
    const window = await deps.delivery.errorWindow(run.runId);
    if (budgetSpent(window, config.errorBudget)) {
      await suspend(
        deps,
        run,
        `error budget spent: ${window.windowFailures} of ${window.windowAttempts} attempts failed for good (limit ${config.errorBudget.percent}%)`,
      );
    }
  }
  return claimed.length;
}

/**
 * Calls the provider once the hand-over is recorded; or, for a provider that holds the message back
 * itself (`holdsUntilHandedOver`), at once, with the record still being written. Null when the
 * hand-over was refused: nothing was sent.
 */
async function handOverAndSend(provider: ChannelProvider, message: OutboundMessage, handedOver: Promise<boolean>): Promise<SendResult | null> {
  if (!provider.holdsUntilHandedOver) return (await handedOver) ? send(provider, message) : null;
  const sending = send(provider, message, handedOver);
  let handed: boolean;
  try {
    handed = await handedOver;
  } catch (error) {
    await sending; // the provider abandons it, unsent; let it finish before the error goes up
    throw error;
  }
  const result = await sending;
  return handed ? result : null;
}

async function send(provider: ChannelProvider, message: OutboundMessage, handedOver?: Promise<boolean>): Promise<SendResult> {
  try {
    return await provider.send(message, handedOver);
  } catch (error) {
    // Providers should not throw. One that does may have sent: the answer is unknown, never resent by itself.
    return { outcome: 'permanent', category: 'ambiguous', reason: `provider error after the hand-over: ${(error as Error).message}` };
  }
}

async function suspend(deps: DeliveryDeps, run: ActiveRun, reason: string): Promise<void> {
  const done = await deps.campaign.campaigns.transition(
    run.campaignId,
    { name: 'suspend', onlyFrom: ['sending'] },
    'suspended',
    { resumeTo: 'sending', statusReason: reason },
    { actor: SYSTEM_ACTOR, action: 'suspend', reason, runId: run.runId },
  );
  if (done.outcome === 'moved') {
    await deps.delivery.resetErrorBudget(run.runId);
    deps.log('delivery.suspended', { campaignId: run.campaignId, runId: run.runId, reason }, 'warn');
  }
}
