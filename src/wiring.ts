import path from 'node:path';
import type { Config } from './config.js';
import { openDatabase, type Database } from './adapters/db/database.js';
import { PrismaApprovalStore } from './adapters/db/approval-store.js';
import { PrismaCampaignStore } from './adapters/db/campaign-store.js';
import { createContactStore } from './adapters/db/contact-store.js';
import { PrismaTemplateStore } from './adapters/db/template-store.js';
import { NodeCronSchedule } from './adapters/cron/node-cron-schedule.js';
import { LiquidTemplateEngine } from './adapters/templating/liquid-template-engine.js';
import type { CampaignDeps } from './domain/campaign/campaign-deps.js';
import type { Clock } from './domain/ports/clock.js';

export interface App {
  config: Config;
  database: Database;
  deps: CampaignDeps;
  close(): Promise<void>;
}

export const systemClock: Clock = { now: () => new Date() };

/** Builds every service and adapter once; tests pass overrides (a fixed clock, a test database). */
export async function buildApp(config: Config, overrides: { clock?: Clock; database?: Database } = {}): Promise<App> {
  const database =
    overrides.database ??
    (await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.databaseUrl ? undefined : path.join(config.dataDir, 'db'),
      poolSize: config.dbPoolSize,
    }));
  const prisma = database.prisma;
  const deps: CampaignDeps = {
    campaigns: new PrismaCampaignStore(prisma),
    templates: new PrismaTemplateStore(prisma),
    contacts: createContactStore(prisma),
    approvals: new PrismaApprovalStore(prisma),
    clock: overrides.clock ?? systemClock,
    cron: new NodeCronSchedule(),
    templateEngine: new LiquidTemplateEngine(),
    config: {
      accountTimeZone: config.accountTimeZone,
      prebuildLeadMs: config.prebuildLeadMs,
      lateActionWindowMs: config.lateActionWindowMs,
      approvalTtlMs: config.approvalTtlMs,
      defaultSmsSender: config.defaultSmsSender,
      contentPolicy: { blockedTerms: config.contentBlocklist },
    },
  };
  return {
    config,
    database,
    deps,
    close: () => (overrides.database ? Promise.resolve() : database.close()),
  };
}
