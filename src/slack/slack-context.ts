import type { ChartRenderer } from '../domain/ports/chart-renderer.js';
import type { Executor } from '../commands/execute.js';
import type { CampaignDeps } from '../domain/campaign/campaign-deps.js';
import type { IdempotencyStore } from '../domain/ports/idempotency-store.js';
import type { RoleOrNone } from './roles.js';

/** Everything a listener needs; built once in slack-app.ts, faked in listener unit tests. */
export interface SlackContext {
  /** The command layer's typed entry point, shared with the console: every change goes through it. */
  execute: Executor['execute'];
  /** Domain reads for modals and App Home (option lists, my campaigns); writes go through `execute`. */
  deps: CampaignDeps;
  roleOf(userId: string): Promise<RoleOrNone>;
  idempotency: IdempotencyStore;
  logger: SlackLogger;
  /** Draws the charts replies carry (stats, compare); absent: replies say their charts were not drawn. */
  charts?: ChartRenderer;
}

export interface SlackLogger {
  debug?(message: string, context?: Record<string, unknown>): void;
  info(message: string, context?: Record<string, unknown>): void;
  warn(message: string, context?: Record<string, unknown>): void;
  error(message: string, context?: Record<string, unknown>): void;
  /** Whether lines of this level are written (Bolt's own level follows it). */
  isLevelEnabled?(level: 'debug' | 'info' | 'warn' | 'error'): boolean;
}
