import os from 'node:os';
import path from 'node:path';
import { IANAZone } from 'luxon';
import { z } from 'zod';

/** The only reader of process.env: every setting, its default and its check. */
const ConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string')
    .optional(),
  HERALD_DATA_DIR: z.string().min(1).default('.herald'),
  ACCOUNT_TIME_ZONE: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Paris')
    .default('UTC'),
  PREBUILD_LEAD_HOURS: z.coerce.number().min(0).max(168).default(12),
  LATE_ACTION_WINDOW_MINUTES: z.coerce.number().int().min(0).max(1440).default(10),
  APPROVAL_TTL_MINUTES: z.coerce.number().int().min(1).max(10080).default(60),
  CONTENT_BLOCKLIST: z.string().default(''),
  TWILIO_FROM: z.string().optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().optional(),
  HERALD_ACTOR: z.string().min(1).optional(),
  DB_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
});

export interface Config {
  databaseUrl: string | undefined;
  dataDir: string;
  accountTimeZone: string;
  prebuildLeadMs: number;
  lateActionWindowMs: number;
  approvalTtlMs: number;
  contentBlocklist: string[];
  defaultSmsSender: string | null;
  consoleActor: string;
  dbPoolSize: number;
  slack: { botToken: string; signingSecret?: string; appToken?: string } | null;
}

export class ConfigError extends Error {}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): Config {
  // Empty variables count as unset, as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ');
    throw new ConfigError(`Invalid configuration:\n  ${problems}`);
  }
  const c = parsed.data;
  return {
    databaseUrl: c.DATABASE_URL,
    dataDir: path.resolve(cwd, c.HERALD_DATA_DIR),
    accountTimeZone: c.ACCOUNT_TIME_ZONE,
    prebuildLeadMs: c.PREBUILD_LEAD_HOURS * 3_600_000,
    lateActionWindowMs: c.LATE_ACTION_WINDOW_MINUTES * 60_000,
    approvalTtlMs: c.APPROVAL_TTL_MINUTES * 60_000,
    contentBlocklist: c.CONTENT_BLOCKLIST.split(',').map((t) => t.trim()).filter(Boolean),
    defaultSmsSender: c.TWILIO_MESSAGING_SERVICE_SID ?? c.TWILIO_FROM ?? null,
    consoleActor: c.HERALD_ACTOR ?? `console:${safeUser()}`,
    dbPoolSize: c.DB_POOL_SIZE,
    slack: c.SLACK_BOT_TOKEN ? { botToken: c.SLACK_BOT_TOKEN, signingSecret: c.SLACK_SIGNING_SECRET, appToken: c.SLACK_APP_TOKEN } : null,
  };
}

function safeUser(): string {
  try {
    return os.userInfo().username || 'local';
  } catch {
    return 'local';
  }
}
