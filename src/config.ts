import os from 'node:os';
import path from 'node:path';
import { IANAZone } from 'luxon';
import { z } from 'zod';

/** pino's levels, most verbose last but one; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * How Herald runs: `console` reads commands from the terminal (or a script on stdin); `serve` is the
 * long-lived service with no terminal (HTTP edge, delivery worker, scheduler, plus Slack when configured).
 */
export const MODES = ['console', 'serve'] as const;
export type Mode = (typeof MODES)[number];

/** The only reader of process.env: every setting, its default and its check. */
const ConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string')
    .optional(),
  HERALD_DATA_DIR: z.string().min(1).default('.herald'),
  HERALD_MODE: z.enum(MODES, { error: `must be one of: ${MODES.join(', ')}` }).optional(),
  SHUTDOWN_TIMEOUT_SECONDS: z.coerce.number().int().min(1).max(3600).default(25),
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
  // Delivery engine
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  PUBLIC_BASE_URL: z.string().regex(/^https?:\/\/[^/]+/, 'must be an http:// or https:// URL').optional(),
  HERALD_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: z.string().regex(/^smtps?:\/\//, 'must be an smtp:// or smtps:// URL').optional(),
  SMTP_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(5),
  EMAIL_RATE_PER_SECOND: z.coerce.number().positive().max(100_000).default(100),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-zA-Z]{32}$/, 'must be a Twilio account SID (AC followed by 32 characters)').optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_API_BASE_URL: z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL').optional(),
  SMS_SEGMENTS_PER_SECOND: z.coerce.number().positive().max(10_000).default(1),
  SMS_RECEIPT_TIMEOUT_MINUTES: z.coerce.number().int().min(1).max(10_080).default(240),
  SMS_SEND_WINDOW: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM-HH:MM, e.g. 08:00-21:00')
    .default('08:00-21:00'),
  SEND_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(100),
  SEND_CONCURRENCY: z.coerce.number().int().min(1).max(1000).default(10),
  SEND_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(120),
  MAX_SEND_ATTEMPTS: z.coerce.number().int().min(1).max(50).default(5),
  RETRY_BASE_SECONDS: z.coerce.number().min(0.1).max(86_400).default(30),
  ERROR_BUDGET_PERCENT: z.coerce.number().min(0).max(100).default(20),
  ERROR_BUDGET_MIN_ATTEMPTS: z.coerce.number().int().min(1).max(1_000_000).default(50),
  SCHEDULER_TICK_SECONDS: z.coerce.number().int().min(1).max(3600).default(5),
  // Operations
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // Slack
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_SOCKET_MODE: z.enum(['true', 'false', '1', '0']).optional(),
  SLACK_API_URL: z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL').optional(),
  SLACK_ADMINS: z.string().default(''),
  SLACK_APPROVERS: z.string().default(''),
  SLACK_MARKETERS: z.string().default(''),
  SLACK_VIEWERS: z.string().default(''),
  SLACK_DEFAULT_ROLE: z.enum(['none', 'viewer', 'marketer', 'approver', 'admin']).default('viewer'),
  SLACK_ALERTS_CHANNEL: z.string().optional(),
  SLACK_ACTIVITY_CHANNEL: z.string().optional(),
});

export interface Config {
  /** The first command-line argument, else HERALD_MODE, else `serve` with Slack configured and `console` without. */
  mode: Mode;
  /** How long a stop on SIGTERM/SIGINT waits for the work in flight before exiting non-zero. */
  shutdownTimeoutMs: number;
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
  logLevel: LogLevelName;
  http: { host: string; port: number; publicBaseUrl: string | null };
  /** Signing secret for unsubscribe and tracking links; null: generated once and kept in the database. */
  secret: string | null;
  email: {
    smtpUrl: string | null;
    poolSize: number;
    ratePerSecond: number;
    dkim: { domainName: string; keySelector: string; privateKey: string } | null;
  };
  sms: {
    twilio: { accountSid: string; authToken: string; apiBaseUrl: string | null } | null;
    from: string | null;
    messagingServiceSid: string | null;
    segmentsPerSecond: number;
    receiptTimeoutMs: number;
    /** Minutes after local midnight: SMS go out only in [start, end) of the recipient's zone. */
    sendWindow: { startMinute: number; endMinute: number };
  };
  delivery: {
    batchSize: number;
    concurrency: number;
    leaseMs: number;
    maxAttempts: number;
    retryBaseMs: number;
    errorBudget: { percent: number; minAttempts: number };
    tickMs: number;
  };
  slack: {
    botToken: string;
    signingSecret: string | null;
    appToken: string | null;
    socketMode: boolean;
    apiUrl: string | null;
    /** Slack user ids (U…/W…) and user-group ids (S…) by role. */
    roles: Record<'admin' | 'approver' | 'marketer' | 'viewer', string[]>;
    defaultRole: 'none' | 'viewer' | 'marketer' | 'approver' | 'admin';
    alertsChannel: string | null;
    activityChannel: string | null;
  } | null;
}

export class ConfigError extends Error {}

/** This process's configuration: its environment and its command-line arguments (`node dist/main.js serve`). */
export function configFromProcess(): Config {
  return loadConfig(process.env, process.cwd(), process.argv.slice(2));
}

/** `args` are the command-line arguments after the script (`node dist/main.js serve`): at most a mode. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), args: readonly string[] = []): Config {
  // Empty variables count as unset, as in most deployment tools.
  const present = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n  ');
    throw new ConfigError(`Invalid configuration:\n  ${problems}`);
  }
  const c = parsed.data;
  const slack = slackConfig(c);
  return {
    mode: modeFrom(args) ?? c.HERALD_MODE ?? (slack ? 'serve' : 'console'),
    shutdownTimeoutMs: c.SHUTDOWN_TIMEOUT_SECONDS * 1000,
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
    logLevel: c.LOG_LEVEL,
    http: { host: c.HTTP_HOST, port: c.HTTP_PORT, publicBaseUrl: c.PUBLIC_BASE_URL?.replace(/\/+$/, '') ?? null },
    secret: c.HERALD_SECRET ?? null,
    email: {
      smtpUrl: c.SMTP_URL ?? null,
      poolSize: c.SMTP_POOL_SIZE,
      ratePerSecond: c.EMAIL_RATE_PER_SECOND,
      dkim: dkimConfig(c),
    },
    sms: {
      twilio: twilioConfig(c),
      from: c.TWILIO_FROM ?? null,
      messagingServiceSid: c.TWILIO_MESSAGING_SERVICE_SID ?? null,
      segmentsPerSecond: c.SMS_SEGMENTS_PER_SECOND,
      receiptTimeoutMs: c.SMS_RECEIPT_TIMEOUT_MINUTES * 60_000,
      sendWindow: sendWindow(c.SMS_SEND_WINDOW),
    },
    delivery: {
      batchSize: c.SEND_BATCH_SIZE,
      concurrency: c.SEND_CONCURRENCY,
      leaseMs: c.SEND_LEASE_SECONDS * 1000,
      maxAttempts: c.MAX_SEND_ATTEMPTS,
      retryBaseMs: c.RETRY_BASE_SECONDS * 1000,
      errorBudget: { percent: c.ERROR_BUDGET_PERCENT, minAttempts: c.ERROR_BUDGET_MIN_ATTEMPTS },
      tickMs: c.SCHEDULER_TICK_SECONDS * 1000,
    },
    slack,
  };
}

/** The mode named on the command line (an argument wins over HERALD_MODE: it is the more specific). */
function modeFrom(args: readonly string[]): Mode | undefined {
  if (args.length === 0) return undefined;
  const [arg, ...rest] = args;
  if (rest.length > 0 || !(MODES as readonly string[]).includes(arg!)) {
    throw new ConfigError(`Invalid command line: ${args.join(' ')}\n  Herald takes one optional argument, the mode: ${MODES.join(' or ')} (or set HERALD_MODE).`);
  }
  return arg as Mode;
}

/**
 * The URL recipients, Twilio and Slack reach Herald at: PUBLIC_BASE_URL, else this process's own
 * HTTP address (`port` is the one actually bound, which HTTP_PORT=0 leaves to the system).
 */
export function effectivePublicBaseUrl(config: Config, port: number): string {
  const host = config.http.host.includes(':') ? `[${config.http.host}]` : config.http.host;
  return config.http.publicBaseUrl ?? `http://${host}:${port}`;
}

/**
 * Every configured value that must never be printed: tokens, passwords (also inside connection
 * strings), signing secrets and keys. The logger blanks them wherever they would appear in a line.
 */
export function configSecrets(config: Config): string[] {
  const secrets = [
    config.secret,
    config.email.dkim?.privateKey,
    config.sms.twilio?.authToken,
    config.slack?.botToken,
    config.slack?.signingSecret,
    config.slack?.appToken,
    urlPassword(config.databaseUrl),
    urlPassword(config.email.smtpUrl),
  ];
  return secrets.filter((s): s is string => typeof s === 'string' && s.length > 0);
}

/** The password inside a connection string (decoded), or null. */
export function urlPassword(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const password = new URL(url).password;
    return password ? decodeURIComponent(password) : null;
  } catch {
    return null;
  }
}

/**
 * Settings that start but hurt, as one line each naming the variable to change. Pure, so a test
 * needs no process; start-up prints them.
 */
export function startupWarnings(config: Config, port: number): string[] {
  const warnings: string[] = [];
  let url: URL;
  try {
    url = new URL(effectivePublicBaseUrl(config, port));
  } catch {
    return warnings; // Not a URL a warning could reason about; the links are broken either way.
  }
  // Plain http on this machine is a local trial; anywhere else recipients' mail clients get it.
  if (url.protocol === 'http:' && !isLoopback(url.hostname)) {
    const consequence = 'RFC 8058 one-click unsubscribe (required by Gmail and Yahoo) needs https://. Set PUBLIC_BASE_URL to the https:// address recipients reach Herald at.';
    warnings.push(
      config.http.publicBaseUrl
        ? `Warning: PUBLIC_BASE_URL is http://${url.host}: unsubscribe links would be plain http://, and ${consequence}`
        : `Warning: PUBLIC_BASE_URL is not set, so unsubscribe links would be plain http://${url.host} (from HTTP_HOST), and ${consequence}`,
    );
  }
  return warnings;
}

/** `hostname` as the WHATWG URL parser gives it (IPv4 normalised, IPv6 in brackets). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname.endsWith('.localhost') || /^127\.\d+\.\d+\.\d+$/.test(hostname) || hostname === '[::1]';
}

type Parsed = z.output<typeof ConfigSchema>;

function dkimConfig(c: Parsed): Config['email']['dkim'] {
  const given = [c.DKIM_DOMAIN, c.DKIM_SELECTOR, c.DKIM_PRIVATE_KEY].filter((v) => v !== undefined).length;
  if (given === 0) return null;
  if (given < 3) throw new ConfigError('Invalid configuration:\n  DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together: set all three or none.');
  // Keys are often passed on one line with literal \n.
  return { domainName: c.DKIM_DOMAIN!, keySelector: c.DKIM_SELECTOR!, privateKey: c.DKIM_PRIVATE_KEY!.replace(/\\n/g, '\n') };
}

function twilioConfig(c: Parsed): Config['sms']['twilio'] {
  if (!c.TWILIO_ACCOUNT_SID && !c.TWILIO_AUTH_TOKEN) return null;
  if (!c.TWILIO_ACCOUNT_SID || !c.TWILIO_AUTH_TOKEN) {
    throw new ConfigError('Invalid configuration:\n  TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together: set both or neither.');
  }
  return { accountSid: c.TWILIO_ACCOUNT_SID, authToken: c.TWILIO_AUTH_TOKEN, apiBaseUrl: c.TWILIO_API_BASE_URL?.replace(/\/+$/, '') ?? null };
}

function sendWindow(text: string): Config['sms']['sendWindow'] {
  const [start, end] = text.split('-').map((hhmm) => {
    const [h, m] = hhmm.split(':').map(Number);
    return h! * 60 + m!;
  });
  if (start === end) throw new ConfigError('Invalid configuration:\n  SMS_SEND_WINDOW: start and end are the same; give a window such as 08:00-21:00.');
  return { startMinute: start!, endMinute: end! };
}

function idList(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

function slackConfig(c: Parsed): Config['slack'] {
  if (!c.SLACK_BOT_TOKEN) return null;
  const socketMode = c.SLACK_SOCKET_MODE === 'true' || c.SLACK_SOCKET_MODE === '1';
  if (socketMode && !c.SLACK_APP_TOKEN) throw new ConfigError('Invalid configuration:\n  SLACK_APP_TOKEN: required when SLACK_SOCKET_MODE is true (an xapp- token).');
  if (!socketMode && !c.SLACK_SIGNING_SECRET) {
    throw new ConfigError('Invalid configuration:\n  SLACK_SIGNING_SECRET: required for the HTTP receiver (or set SLACK_SOCKET_MODE=true with SLACK_APP_TOKEN).');
  }
  return {
    botToken: c.SLACK_BOT_TOKEN,
    signingSecret: c.SLACK_SIGNING_SECRET ?? null,
    appToken: c.SLACK_APP_TOKEN ?? null,
    socketMode,
    apiUrl: c.SLACK_API_URL ?? null,
    roles: { admin: idList(c.SLACK_ADMINS), approver: idList(c.SLACK_APPROVERS), marketer: idList(c.SLACK_MARKETERS), viewer: idList(c.SLACK_VIEWERS) },
    defaultRole: c.SLACK_DEFAULT_ROLE,
    alertsChannel: c.SLACK_ALERTS_CHANNEL ?? null,
    activityChannel: c.SLACK_ACTIVITY_CHANNEL ?? null,
  };
}

function safeUser(): string {
  try {
    return os.userInfo().username || 'local';
  } catch {
    return 'local';
  }
}
