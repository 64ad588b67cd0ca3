import type { ActiveRun, ClaimedMessage } from '../ports/delivery-store.js';
import type { ChannelProvider, SendResult } from '../ports/channel-provider.js';
import { budgetSpent, decideOutcome, type Decision } from './outcome-policy.js';
import { SYSTEM_ACTOR, type DeliveryDeps } from './delivery-deps.js';
import { mapWithConcurrency } from './map-with-concurrency.js';
import { nextWindowOpening } from './quiet-hours.js';
import { renderMessage, type RenderContext } from './render-message.js';

/**
 * Claims one batch of a sending run and sends it. Claimed messages are `sending` (committed) before
 * any provider call; the batch is small enough (about two seconds of the channel's rate) that a crash
 * leaves few of them to become `unknown`. Returns how many messages were claimed.
 */
export async function sendRunBatch(deps: DeliveryDeps, run: ActiveRun, owner: string): Promise<number> {
  const provider = deps.providers[run.channel];
  if (!provider) return 0;
  const { config } = deps;
  const spec = provider.spec;
  const rate = config.rates[run.channel] ?? spec.defaultRatePerSecond;
  const limit = Math.max(1, Math.min(config.batchSize, Math.ceil(rate * 2)));
  const claimed = await deps.delivery.claim(run.runId, owner, deps.campaign.clock.now(), config.leaseMs, limit);
  if (claimed.length === 0) return 0;
  const ctx: RenderContext = {
    channel: spec,
    snapshot: run.snapshot,
    smsTtlSeconds: run.smsTtlSeconds,
    defaultSmsSender: deps.campaign.config.defaultSmsSender,
    unsubscribeUrl: (id) => (spec.content === 'email' ? deps.links.unsubscribeUrl(id) : null),
    statusCallbackUrl: spec.receipts ? deps.links.smsStatusCallbackUrl : null,
  };
  const policy = { channel: spec, providerName: provider.name, maxAttempts: config.maxAttempts, retryBaseMs: config.retryBaseMs, random: deps.random };
  let suspendedFor: string | null = null;

  const decisions = await mapWithConcurrency(claimed, config.concurrency, async (m): Promise<Decision> => {
    const now = deps.campaign.clock.now();
    // Once the campaign must stop, the rest of the batch goes back to the queue unsent.
    if (suspendedFor) return { outcome: { id: m.id, status: 'queued', nextAttemptAt: now, notAnAttempt: true } };
    // Opted out after the run was built (a STOP while it waited for quiet hours or a back-off).
    if (m.suppressed) return { outcome: { id: m.id, status: 'opted_out', reason: 'on the suppression list when its turn came', notAnAttempt: true } };
    if (spec.quietHours) {
      const opening = nextWindowOpening(now, m.timeZone, deps.campaign.config.accountTimeZone, config.smsSendWindow);
      if (opening) return { outcome: { id: m.id, status: 'queued', nextAttemptAt: opening, notAnAttempt: true, reason: 'held for quiet hours' } };
    }
    const result = await attempt(deps, provider, ctx, m);
    if (result.outcome === 'sent' && !result.final && result.providerMessageId) {
      await deps.delivery.markAccepted(m.id, owner, result.providerMessageId, deps.campaign.clock.now());
    }
    const decision = decideOutcome(m, result, deps.campaign.clock.now(), policy);
    if (decision.suspend) suspendedFor ??= decision.suspend;
    return decision;
  });

  const now = deps.campaign.clock.now();
  const window = await deps.delivery.record(run.runId, owner, now, decisions.map((d) => d.outcome));
  for (const d of decisions) {
    if (d.suppress) await deps.suppressions.add(d.suppress);
  }
  const failures = decisions.filter((d) => d.outcome.countsAsFailure).length;
  if (failures) deps.log('delivery.failures', { campaignId: run.campaignId, runId: run.runId, failures, batch: claimed.length });
  if (suspendedFor) {
    await suspend(deps, run, `provider problem — ${suspendedFor}`);
  } else if (budgetSpent(window, config.errorBudget)) {
    await suspend(
      deps,
      run,
      `error budget spent: ${window.windowFailures} of ${window.windowAttempts} attempts failed for good (limit ${config.errorBudget.percent}%)`,
    );
  }
  return claimed.length;
}

async function attempt(deps: DeliveryDeps, provider: ChannelProvider, ctx: RenderContext, m: ClaimedMessage): Promise<SendResult> {
  let message;
  try {
    message = await renderMessage(deps.campaign.templateEngine, ctx, m);
  } catch (error) {
    // A template that fails to render fails for everyone: stop the campaign rather than fail each message.
    return { outcome: 'permanent', category: 'configuration', reason: `template did not render: ${(error as Error).message}` };
  }
  await deps.pacer.acquire(ctx.channel.name, ctx.channel.segmented ? provider.segments(message.text) : 1);
  try {
    return await provider.send(message);
  } catch (error) {
    // Providers should not throw; if one does, nothing says the message left: retry it.
    return { outcome: 'retryable', category: 'provider_error', reason: `provider error: ${(error as Error).message}` };
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
    deps.log('delivery.suspended', { campaignId: run.campaignId, runId: run.runId, reason });
  }
}

