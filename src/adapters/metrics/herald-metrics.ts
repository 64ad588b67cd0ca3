import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { Channel } from '../../domain/campaign/campaign.js';
import type { DeliveryMetrics } from '../../domain/ports/delivery-metrics.js';

/** Messages waiting or in flight, per channel and status, as the database counts them now. */
export interface QueueDepthRow {
  channel: string;
  status: 'queued' | 'retrying' | 'sending';
  count: number;
}

export const QUEUE_STATUSES = ['queued', 'retrying', 'sending'] as const;

export interface HeraldMetricsOptions {
  /** The channels Herald sends on: their series start at zero, so rate() works from the first scrape. */
  channels: Channel[];
  /** Counts the queue (a cheap query on the ledger's partial indexes), run at each scrape. */
  queueDepth: () => Promise<QueueDepthRow[]>;
  /** Longest a scrape waits for the queue count; past it the gauge is left out of that scrape. */
  queueDepthTimeoutMs?: number;
  /** Told when the queue could not be counted (the scrape still answers). */
  onQueueDepthError?: (error: unknown) => void;
  /** Node's own figures (memory, event loop, GC); off in tests that read exact output. */
  processMetrics?: boolean;
}

/** Herald's metrics on a registry of its own (never prom-client's global one), and what feeds them. */
export interface HeraldMetrics {
  registry: Registry;
  /** The delivery engine's port. */
  delivery: DeliveryMetrics;
  /** Starts timing one Slack request until its HTTP answer (the ack) is written. */
  startSlackAck(): () => void;
  /** The Prometheus text exposition of every metric. */
  scrape(): Promise<{ contentType: string; body: string }>;
}

export function createHeraldMetrics(options: HeraldMetricsOptions): HeraldMetrics {
  const registry = new Registry();
  const registers = [registry];
  if (options.processMetrics ?? true) collectDefaultMetrics({ register: registry });

  const outcomes = new Counter({
    name: 'herald_messages_total',
    help: 'Attempt outcomes this process recorded in the ledger, by channel and message status (queued: deferred by quiet hours or a suspension)',
    labelNames: ['channel', 'status'] as const,
    registers,
  });
  const sent = new Counter({
    name: 'herald_messages_sent_total',
    help: 'Messages a provider accepted, by channel (rate() of it is the send rate)',
    labelNames: ['channel'] as const,
    registers,
  });
  const errors = new Counter({
    name: 'herald_delivery_errors_total',
    help: 'Attempts that ended with a failure category (retried or not), by channel and category',
    labelNames: ['channel', 'category'] as const,
    registers,
  });
  const claims = new Histogram({
    name: 'herald_claim_duration_seconds',
    help: 'Time to claim one batch of due messages from the ledger, by channel',
    labelNames: ['channel'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers,
  });
  const providerCalls = new Histogram({
    name: 'herald_provider_send_duration_seconds',
    help: "One provider call (SMTP, Twilio, capture) until its answer, by channel and result (sent, retryable, permanent)",
    labelNames: ['channel', 'result'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const slackAcks = new Histogram({
    name: 'herald_slack_ack_duration_seconds',
    help: 'A Slack request from its arrival to its HTTP answer (the ack); Slack gives up at 3 s',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 3, 5],
    registers,
  });
  const ticks = new Histogram({
    name: 'herald_scheduler_tick_duration_seconds',
    help: 'One delivery tick of the scheduler (prebuild, start, finish, lease and receipt time-outs)',
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
    registers,
  });
  for (const channel of options.channels) sent.inc({ channel }, 0);

  const timeoutMs = options.queueDepthTimeoutMs ?? 2000;
  // One count at a time: a slow database must not pile a query up per scrape.
  let counting: Promise<QueueDepthRow[]> | null = null;
  new Gauge({
    name: 'herald_queue_depth',
    help: 'Messages waiting (queued, retrying) or in flight (sending) in the ledger now, by channel; absent when the database did not answer in time',
    labelNames: ['channel', 'status'] as const,
    registers,
    async collect() {
      this.reset();
      counting ??= options.queueDepth().finally(() => (counting = null));
      let rows: QueueDepthRow[];
      try {
        rows = await within(counting, timeoutMs);
      } catch (error) {
        options.onQueueDepthError?.(error);
        return;
      }
      for (const channel of options.channels) for (const status of QUEUE_STATUSES) this.set({ channel, status }, 0);
      for (const row of rows) this.set({ channel: row.channel, status: row.status }, row.count);
    },
  });

  return {
    registry,
    delivery: {
      startClaim: (channel) => {
        const end = claims.startTimer({ channel });
        return () => void end();
      },
      startProviderCall: (channel) => {
        const end = providerCalls.startTimer({ channel });
        return (result) => {
          end({ result: result.outcome });
          if (result.outcome === 'sent') sent.inc({ channel });
        };
      },
      outcome: (channel, outcome) => {
        outcomes.inc({ channel, status: outcome.status });
        if (outcome.category) errors.inc({ channel, category: outcome.category });
      },
      startTick: () => {
        const end = ticks.startTimer();
        return () => void end();
      },
    },
    startSlackAck: () => {
      const end = slackAcks.startTimer();
      return () => void end();
    },
    scrape: async () => ({ contentType: registry.contentType, body: await registry.metrics() }),
  };
}

function within<T>(work: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
    work.then(resolve, reject).finally(() => clearTimeout(timer));
  });
}
