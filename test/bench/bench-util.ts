/** Shared output helpers for `npm run bench`: JSON figures on stdout, notes on stderr. */
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

export type Emit = (name: string, value: number, unit: string, extra?: Record<string, unknown>) => void;

export const emit: Emit = (name, value, unit, extra = {}) => {
  const rounded: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(extra)) rounded[k] = typeof v === 'number' ? Number(v.toFixed(3)) : v;
  console.log(JSON.stringify({ name, value: Number(value.toFixed(3)), unit, ...rounded }));
};

/** A human note: stderr, so stdout stays one JSON object per line. */
export function note(text: string): void {
  console.error(`# ${text}`);
}

export const quietLog = (): void => {};

/**
 * The V8 flags Herald is started with (`npm start`, `serve:prod`, the Dockerfile): read from
 * package.json's `serve:prod`, so the Herald processes the benches start run as users' do.
 */
export const HERALD_NODE_FLAGS: readonly string[] = (() => {
  const pkg = JSON.parse(fs.readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { scripts: Record<string, string> };
  return pkg.scripts['serve:prod']!.split(/\s+/).filter((arg) => /^--max-(old|semi)-space-size=/.test(arg));
})();

export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got "${raw}"`);
  return n;
}

export async function timed<T>(fn: () => Promise<T>): Promise<[T, number]> {
  const t = performance.now();
  const result = await fn();
  return [result, (performance.now() - t) / 1000];
}

/** Inserts `n` contacts (email, phone, attributes) and makes them the members of a new list; returns the list name. */
export function contactsSql(n: number, domain: string, attributes = `jsonb_build_object('first_name', 'U' || g, 'n', g::text)`): string {
  return `INSERT INTO contact (email, phone, attributes)
          SELECT 'u' || g || '@${domain}', '+1415' || lpad(g::text, 7, '0'), ${attributes}
          FROM generate_series(1, ${n}) g`;
}

/** Wraps an object's methods to add up the time spent in each (calls may overlap: a sum, not wall time). */
export function timeMethods<T extends object>(target: T, label: string, into: Map<string, { ms: number; calls: number }>): T {
  return new Proxy(target, {
    get(obj, prop, receiver) {
      const value = Reflect.get(obj, prop, receiver);
      if (typeof value !== 'function' || typeof prop !== 'string') return value;
      return (...args: unknown[]) => {
        const t = performance.now();
        const out = (value as (...a: unknown[]) => unknown).apply(obj, args);
        const done = () => {
          const key = `${label}.${prop}`;
          const e = into.get(key) ?? { ms: 0, calls: 0 };
          e.ms += performance.now() - t;
          e.calls += 1;
          into.set(key, e);
        };
        if (out instanceof Promise) return out.finally(done);
        done();
        return out;
      };
    },
  });
}

export function formatTimings(into: Map<string, { ms: number; calls: number }>): string {
  return [...into.entries()]
    .sort((a, b) => b[1].ms - a[1].ms)
    .map(([k, v]) => `${k} ${(v.ms / 1000).toFixed(2)} s/${v.calls} calls (${(v.ms / v.calls).toFixed(1)} ms avg)`)
    .join('; ');
}
