/**
 * Exponential back-off with full jitter (AWS architecture blog's "full jitter"): the wait before
 * attempt n+1 is uniform in [base, base * 2^(n-1)], capped. Persisted as the message's next attempt
 * time rather than slept on, so a restart keeps the schedule.
 */
export function backoffMs(attempt: number, baseMs: number, random: () => number, capMs = 6 * 3_600_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(baseMs + random() * Math.max(0, ceiling - baseMs));
}
