import type { HttpLogger, HttpRoute } from '../route.js';
import { sendJson } from '../reply.js';

/** A dependency's check: resolves when it answers, rejects (or never settles) when it is down. */
export type HealthCheck = () => Promise<void>;

export interface HealthOptions {
  /** Checks by dependency name (`database`, …); none: /healthz only says the process is up. */
  checks?: Record<string, HealthCheck>;
  /** Longest a check may take before it counts as down, so a hung dependency never hangs the probe. */
  timeoutMs?: number;
  log?: HttpLogger;
}

export const HEALTH_TIMEOUT_MS = 1000;

/**
 * Liveness plus each dependency, for load balancers, Docker and Kubernetes: 200 when every check
 * answered in time, else 503; the body names each check's state, `{"ok":false,"checks":{"database":
 * {"ok":false,"error":"timeout"}}}`. Why a check failed goes to the log only: the probe may be public.
 */
export function healthRoute(options: HealthOptions = {}): HttpRoute {
  const checks = Object.entries(options.checks ?? {});
  const timeoutMs = options.timeoutMs ?? HEALTH_TIMEOUT_MS;
  // A check still running from an earlier probe is awaited again rather than started twice, so a hung
  // database holds one pooled connection, not one per probe; one that never settles is given up
  // after a while, so a recovered database is seen again.
  const running = new Map<string, { check: Promise<void>; since: number }>();
  const reuseMs = timeoutMs * 10;
  return {
    method: 'GET',
    path: '/healthz',
    async handler(_req, res) {
      const results = await Promise.all(
        checks.map(async ([name, check]) => {
          const started = performance.now();
          let pending = running.get(name);
          if (!pending || started - pending.since > reuseMs) {
            const entry = { check: Promise.resolve().then(check), since: started };
            running.set(name, entry);
            void entry.check.catch(() => {}).finally(() => running.get(name) === entry && running.delete(name));
            pending = entry;
          }
          const state = await settleWithin(pending.check, timeoutMs);
          const ms = Math.round(performance.now() - started);
          if (state !== 'ok') options.log?.warn('health check failed', { check: name, ms, error: state === 'timeout' ? `no answer within ${timeoutMs} ms` : describe(state.error) });
          return [name, state === 'ok' ? { ok: true, ms } : { ok: false, ms, error: state === 'timeout' ? 'timeout' : 'error' }] as const;
        }),
      );
      const ok = results.every(([, r]) => r.ok);
      sendJson(res, ok ? 200 : 503, { ok, checks: Object.fromEntries(results) });
    },
  };
}

async function settleWithin(work: Promise<void>, ms: number): Promise<'ok' | 'timeout' | { error: unknown }> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), ms)));
  try {
    return await Promise.race([work.then(() => 'ok' as const, (error: unknown) => ({ error })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
