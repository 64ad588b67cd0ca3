import { createPrivateKey } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { IANAZone } from 'luxon';
import cron from 'node-cron';
import { z } from 'zod';
import type { SmsPricing } from './domain/metrics/sms-pricing.js';

/** pino's levels, most verbose last but one; `silent` logs nothing. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/**
 * How Herald runs: `console` reads commands from the terminal (or a script on stdin); `serve` is the
 * long-lived service with no terminal (HTTP edge, delivery worker, scheduler, plus Slack when configured).
 */
export const MODES = ['console', 'serve'] as const;
export type Mode = (typeof MODES)[number];

/** A whole number in [min, max], written in decimal: `0x1270`, `1e3` or `12abc` are typos, not numbers. */
function wholeNumber(min: number, max: number) {
  return z
    .string()
    .trim()
    .regex(/^\d+$/, `must be a whole number from ${min} to ${max}, in decimal digits`)
    .transform(Number)
    .pipe(z.number().min(min, `must be at least ${min}`).max(max, `must be at most ${max}`));
}

/** A decimal number in [min, max] (above min when `aboveMin`), written plainly: `1e3` or `0x10` are refused. */
function plainNumber(min: number, max: number, aboveMin = false) {
  const range = `${aboveMin ? 'more than' : 'from'} ${min} ${aboveMin ? 'and at most' : 'to'} ${max}`;
  return z
    .string()
    .trim()
    .regex(/^\d+(\.\d+)?$/, `must be a number ${range}, such as 2 or 0.5`)
    .transform(Number)
    .pipe(z.number().max(max, `must be at most ${max}`).refine((n) => (aboveMin ? n > min : n >= min), `must be ${aboveMin ? 'more than' : 'at least'} ${min}`));
}

/** An smtp:// or smtps:// URL with a host (and a port that exists, if one is given). */
const smtpUrl = z.string().superRefine((raw, ctx) => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be smtp://[user:password@]host[:port] or smtps://…: it is not a URL (a port above 65535?)' });
    return;
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') ctx.addIssue({ code: 'custom', message: 'must be an smtp:// or smtps:// URL' });
  else if (!url.hostname) ctx.addIssue({ code: 'custom', message: 'names no host: give smtp://host:port (smtps:// for implicit TLS)' });
  else if (url.port === '0') ctx.addIssue({ code: 'custom', message: 'has port 0: give the SMTP server’s port (587, 465, 25)' });
});

/** The URL recipients reach Herald at: http(s), a host, no spaces, no query or fragment. */
const publicBaseUrl = z.string().superRefine((raw, ctx) => {
  if (/\s/.test(raw)) {
    ctx.addIssue({ code: 'custom', message: 'contains spaces; give the address exactly, such as https://herald.example.com' });
    return;
  }
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL, such as https://herald.example.com' });
    return;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') ctx.addIssue({ code: 'custom', message: 'must be an http:// or https:// URL' });
  else if (!url.hostname) ctx.addIssue({ code: 'custom', message: 'names no host' });
  else if (url.search || url.hash) ctx.addIssue({ code: 'custom', message: 'must not carry a query or a fragment: links are built under it' });
});

/** Slack user ids (U…, W…) and user-group ids (S…), comma-separated. */
const slackIds = z
  .string()
  .default('')
  .superRefine((raw, ctx) => {
    for (const id of raw.split(',').map((t) => t.trim()).filter(Boolean)) {
      if (!/^[UWS][A-Z0-9]{2,}$/.test(id)) {
        ctx.addIssue({ code: 'custom', message: `has "${id.slice(0, 40)}", which is not a Slack user id (U… or W…) or user-group id (S…)` });
      }
    }
  });

/** Virtual file systems: a data folder there cannot hold files (and some reads there never end). */
const VIRTUAL_ROOTS = ['/proc', '/sys', '/dev'];

/** Variables that may be set to nothing (an empty list); any other set but blank is a mistake to name. */
const MAY_BE_BLANK = new Set(['CONTENT_BLOCKLIST', 'SLACK_ADMINS', 'SLACK_APPROVERS', 'SLACK_MARKETERS', 'SLACK_VIEWERS']);

/** The only reader of process.env: every setting, its default and its check. */
const ConfigSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// connection string')
    .optional(),
  HERALD_DATA_DIR: z
    .string()
    .default('.herald')
    .refine((dir) => !VIRTUAL_ROOTS.some((root) => path.resolve(dir) === root || path.resolve(dir).startsWith(`${root}/`)), {
      message: `is inside ${VIRTUAL_ROOTS.join(', ')} (virtual file systems that cannot hold Herald's files): choose an ordinary folder`,
    }),
  HERALD_MODE: z.enum(MODES, { error: `must be one of: ${MODES.join(', ')}` }).optional(),
  SHUTDOWN_TIMEOUT_SECONDS: wholeNumber(1, 3600).default(25),
  ACCOUNT_TIME_ZONE: z
    .string()
    .refine((zone) => IANAZone.isValidZone(zone), 'must be an IANA time zone such as Europe/Paris')
    .default('UTC'),
  PREBUILD_LEAD_HOURS: plainNumber(0, 168).default(12),
  LATE_ACTION_WINDOW_MINUTES: wholeNumber(0, 1440).default(10),
  APPROVAL_TTL_MINUTES: wholeNumber(1, 10080).default(60),
  OVERDUE_AFTER_MINUTES: wholeNumber(1, 1440).default(5),
  DIGEST_CRON: z
    .string()
    .trim()
    .refine((expr) => [5, 6].includes(expr.split(/\s+/).length) && cron.validate(expr), 'must be a cron expression of 5 fields (minute hour day-of-month month day-of-week), e.g. "0 9 * * *"')
    .default('0 9 * * *'),
  CONTENT_BLOCKLIST: z.string().default(''),
  TWILIO_FROM: z.string().optional(),
  TWILIO_MESSAGING_SERVICE_SID: z.string().optional(),
  HERALD_ACTOR: z.string().min(1).optional(),
  DB_POOL_SIZE: wholeNumber(1, 100).default(10),
  // Delivery engine
  HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  HTTP_PORT: wholeNumber(0, 65535).default(3000),
  PUBLIC_BASE_URL: publicBaseUrl.optional(),
  HERALD_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  SMTP_URL: smtpUrl.optional(),
  SMTP_POOL_SIZE: wholeNumber(1, 100).default(5),
  EMAIL_RATE_PER_SECOND: plainNumber(0, 100_000, true).default(100),
  DKIM_DOMAIN: z.string().optional(),
  DKIM_SELECTOR: z.string().optional(),
  DKIM_PRIVATE_KEY: z.string().optional(),
  TWILIO_ACCOUNT_SID: z.string().regex(/^AC[0-9a-zA-Z]{32}$/, 'must be a Twilio account SID (AC followed by 32 characters)').optional(),
  TWILIO_AUTH_TOKEN: z.string().optional(),
  TWILIO_API_BASE_URL: z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL').optional(),
  SMS_SEGMENTS_PER_SECOND: plainNumber(0, 10_000, true).default(1),
  SMS_RECEIPT_TIMEOUT_MINUTES: wholeNumber(1, 10_080).default(240),
  SMS_SEND_WINDOW: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d-([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM-HH:MM, e.g. 08:00-21:00')
    .default('08:00-21:00'),
  SEND_BATCH_SIZE: wholeNumber(1, 10_000).default(100),
  SEND_CONCURRENCY: wholeNumber(1, 1000).default(10),
  SEND_LEASE_SECONDS: wholeNumber(5, 3600).default(120),
  MAX_SEND_ATTEMPTS: wholeNumber(1, 50).default(5),
  RETRY_BASE_SECONDS: plainNumber(0.1, 86_400).default(30),
  ERROR_BUDGET_PERCENT: plainNumber(0, 100).default(20),
  ERROR_BUDGET_MIN_ATTEMPTS: wholeNumber(1, 1_000_000).default(50),
  SCHEDULER_TICK_SECONDS: wholeNumber(1, 3600).default(5),
  // Charts: unset means Herald's own POST /chart on its HTTP server (offline)
  QUICKCHART_URL: publicBaseUrl.optional(),
  // Tracking and metrics
  TRACKING_ANONYMIZE_IP: z.enum(['true', 'false', '1', '0'], { error: 'must be true or false' }).default('false'),
  TRACKING_BOT_WINDOW_SECONDS: wholeNumber(0, 86_400).default(60),
  TRACKING_BURST_SECONDS: wholeNumber(1, 600).default(5),
  TRACKING_FLUSH_MS: wholeNumber(10, 60_000).default(250),
  SMS_PRICE_PER_SEGMENT: z.string().optional(),
  // Operations
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  // Slack
  SLACK_BOT_TOKEN: z.string().optional(),
  SLACK_SIGNING_SECRET: z.string().optional(),
  SLACK_APP_TOKEN: z.string().optional(),
  SLACK_SOCKET_MODE: z.enum(['true', 'false', '1', '0']).optional(),
  SLACK_API_URL: z.string().regex(/^https?:\/\//, 'must be an http:// or https:// URL').optional(),
  SLACK_ADMINS: slackIds,
  SLACK_APPROVERS: slackIds,
  SLACK_MARKETERS: slackIds,
  SLACK_VIEWERS: slackIds,
  SLACK_DEFAULT_ROLE: z.enum(['none', 'viewer', 'marketer', 'approver', 'admin']).default('viewer'),
  SLACK_ALERTS_CHANNEL: z.string().optional(),
  // The on-call user group every alert mentions (<!subteam^S…>).
  SLACK_ONCALL_GROUP: z.string().regex(/^S[A-Z0-9]{2,}$/, 'must be a Slack user-group id (S…), as in the group\'s profile or usergroups.list').optional(),
  SLACK_ACTIVITY_CHANNEL: z.string().optional(),
  // The managers' channel: the daily digest (DIGEST_CRON) and `/campaign digest --post`.
  SLACK_DIGEST_CHANNEL: z.string().optional(),
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
  /** A scheduled send reached more than this after its time follows its campaign's --if-late policy. */
  overdueAfterMs: number;
  /** When the daily digest goes out, read in the account's zone. */
  digestCron: string;
  contentBlocklist: string[];
  defaultSmsSender: string | null;
  consoleActor: string;
  dbPoolSize: number;
  logLevel: LogLevelName;
  /** The QuickChart server charts are drawn by (without `/chart`); null: Herald's own `/chart` (see chartServiceUrl). */
  charts: { quickchartUrl: string | null };
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
  tracking: {
    anonymizeIp: boolean;
    botWindowMs: number;
    burstWindowMs: number;
    flushMs: number;
  };
  /** SMS cost where the provider gives none: micros per segment, longest destination prefix first; null: unpriced. */
  smsPricing: SmsPricing | null;
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
    /** The user group (S…) alerts mention; null: alerts mention no one. */
    oncallGroup: string | null;
    activityChannel: string | null;
    /** The managers' channel the daily digest is posted to (SLACK_DIGEST_CHANNEL); null: the digest is posted nowhere. */
    digestChannel: string | null;
  } | null;
}

export class ConfigError extends Error {}

/** This process's configuration: its environment and its command-line arguments (`node dist/main.js serve`). */
export function configFromProcess(): Config {
  return loadConfig(process.env, process.cwd(), process.argv.slice(2));
}

/** `args` are the command-line arguments after the script (`node dist/main.js serve`): at most a mode. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd(), args: readonly string[] = []): Config {
  const known = new Set(Object.keys(ConfigSchema.shape));
  const present: Record<string, string> = {};
  const problems: string[] = [];
  for (const [name, value] of Object.entries(env)) {
    if (!known.has(name) || value === undefined) continue;
    // Set but blank is a slip (an empty line in a .env file), not a choice of the default: say so.
    if (value.trim() === '' && !MAY_BE_BLANK.has(name)) problems.push(`${name} is set but blank: give it a value, or unset it for the default.`);
    else present[name] = value;
  }
  const parsed = ConfigSchema.safeParse(present);
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')} ${i.message}.`));
  if (problems.length > 0 || !parsed.success) {
    throw new ConfigError(problems.length === 1 ? problems[0]! : `The configuration has ${problems.length} problems:\n  ${problems.join('\n  ')}`);
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
    overdueAfterMs: c.OVERDUE_AFTER_MINUTES * 60_000,
    digestCron: c.DIGEST_CRON,
    contentBlocklist: c.CONTENT_BLOCKLIST.split(',').map((t) => t.trim()).filter(Boolean),
    defaultSmsSender: c.TWILIO_MESSAGING_SERVICE_SID ?? c.TWILIO_FROM ?? null,
    consoleActor: c.HERALD_ACTOR ?? `console:${safeUser()}`,
    dbPoolSize: c.DB_POOL_SIZE,
    logLevel: c.LOG_LEVEL,
    charts: { quickchartUrl: c.QUICKCHART_URL?.replace(/\/+$/, '') ?? null },
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
    tracking: {
      anonymizeIp: c.TRACKING_ANONYMIZE_IP === 'true' || c.TRACKING_ANONYMIZE_IP === '1',
      botWindowMs: c.TRACKING_BOT_WINDOW_SECONDS * 1000,
      burstWindowMs: c.TRACKING_BURST_SECONDS * 1000,
      flushMs: c.TRACKING_FLUSH_MS,
    },
    smsPricing: c.SMS_PRICE_PER_SEGMENT === undefined ? null : smsPricing(c.SMS_PRICE_PER_SEGMENT),
    slack,
  };
}

/**
 * SMS_PRICE_PER_SEGMENT: `0.0079` (every destination), or `+1=0.0079,+44=0.0400,*=0.05` (by E.164
 * prefix, the longest that matches; `*` for the rest). Amounts in the account's currency, at most
 * six decimals, kept as micros so sums are exact.
 */
function smsPricing(text: string): SmsPricing {
  const entries = text.split(',').map((t) => t.trim()).filter(Boolean);
  const prefixes: { prefix: string; micros: number }[] = [];
  let fallback: number | null = null;
  const amount = (raw: string, what: string): number => {
    if (!/^\d{1,6}(\.\d{1,6})?$/.test(raw)) throw new ConfigError(`SMS_PRICE_PER_SEGMENT has "${raw.slice(0, 30)}" for ${what}: give an amount such as 0.0079 (at most six decimals).`);
    const [whole, frac = ''] = raw.split('.');
    return Number(whole) * 1_000_000 + Number(frac.padEnd(6, '0'));
  };
  for (const entry of entries) {
    const eq = entry.indexOf('=');
    if (eq === -1) {
      if (entries.length > 1) throw new ConfigError(`SMS_PRICE_PER_SEGMENT mixes a bare price ("${entry.slice(0, 30)}") with prefixes: write it as *=${entry.slice(0, 30)}.`);
      fallback = amount(entry, 'every destination');
      continue;
    }
    const prefix = entry.slice(0, eq).trim();
    const price = amount(entry.slice(eq + 1).trim(), prefix || 'an empty prefix');
    if (prefix === '*') fallback = price;
    else if (/^\+[1-9]\d{0,5}$/.test(prefix)) {
      if (prefixes.some((p) => p.prefix === prefix)) throw new ConfigError(`SMS_PRICE_PER_SEGMENT gives ${prefix} twice.`);
      prefixes.push({ prefix, micros: price });
    } else throw new ConfigError(`SMS_PRICE_PER_SEGMENT has the prefix "${prefix.slice(0, 30)}": give a + and up to six digits (+1, +44, +3362) or * for the rest.`);
  }
  if (!entries.length) throw new ConfigError('SMS_PRICE_PER_SEGMENT is empty: give a price such as 0.0079, or +1=0.0079,*=0.05.');
  return { prefixes: prefixes.sort((a, b) => b.prefix.length - a.prefix.length), fallbackMicros: fallback };
}

/** The mode named on the command line (an argument wins over HERALD_MODE: it is the more specific). */
function modeFrom(args: readonly string[]): Mode | undefined {
  if (args.length === 0) return undefined;
  const [arg, ...rest] = args;
  if (rest.length > 0 || !(MODES as readonly string[]).includes(arg!)) {
    throw new ConfigError(`The command line "${args.join(' ').slice(0, 80)}" is not a mode: Herald takes one optional argument, ${MODES.join(' or ')} (or set HERALD_MODE).`);
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
 * Where charts are drawn: QUICKCHART_URL, else Herald's own `/chart` on this process's HTTP server,
 * reached over loopback when HTTP_HOST listens on every address (`port` is the one actually bound).
 */
export function chartServiceUrl(config: Config, port: number): string {
  if (config.charts.quickchartUrl) return config.charts.quickchartUrl;
  const host = config.http.host === '0.0.0.0' ? '127.0.0.1' : config.http.host === '::' ? '::1' : config.http.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
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
  if (given < 3) throw new ConfigError('DKIM_DOMAIN, DKIM_SELECTOR and DKIM_PRIVATE_KEY go together: set all three or none.');
  // Keys are often passed on one line with literal \n.
  const privateKey = c.DKIM_PRIVATE_KEY!.replace(/\\n/g, '\n');
  try {
    createPrivateKey(privateKey);
  } catch {
    // nodemailer would send unsigned mail with a key that does not load; the key stays out of the message.
    throw new ConfigError('DKIM_PRIVATE_KEY is not a usable private key: give the PEM text ("-----BEGIN PRIVATE KEY-----" …), on one line with \\n for its line breaks if need be.');
  }
  return { domainName: c.DKIM_DOMAIN!, keySelector: c.DKIM_SELECTOR!, privateKey };
}

function twilioConfig(c: Parsed): Config['sms']['twilio'] {
  if (!c.TWILIO_ACCOUNT_SID && !c.TWILIO_AUTH_TOKEN) return null;
  if (!c.TWILIO_ACCOUNT_SID || !c.TWILIO_AUTH_TOKEN) {
    throw new ConfigError('TWILIO_ACCOUNT_SID and TWILIO_AUTH_TOKEN go together: set both or neither.');
  }
  return { accountSid: c.TWILIO_ACCOUNT_SID, authToken: c.TWILIO_AUTH_TOKEN, apiBaseUrl: c.TWILIO_API_BASE_URL?.replace(/\/+$/, '') ?? null };
}

function sendWindow(text: string): Config['sms']['sendWindow'] {
  const [start, end] = text.split('-').map((hhmm) => {
    const [h, m] = hhmm.split(':').map(Number);
    return h! * 60 + m!;
  });
  if (start === end) throw new ConfigError('SMS_SEND_WINDOW starts and ends at the same time: give a window such as 08:00-21:00.');
  return { startMinute: start!, endMinute: end! };
}

function idList(text: string): string[] {
  return text.split(',').map((t) => t.trim()).filter(Boolean);
}

function slackConfig(c: Parsed): Config['slack'] {
  if (!c.SLACK_BOT_TOKEN) return null;
  const socketMode = c.SLACK_SOCKET_MODE === 'true' || c.SLACK_SOCKET_MODE === '1';
  if (socketMode && !c.SLACK_APP_TOKEN) throw new ConfigError('SLACK_APP_TOKEN is needed when SLACK_SOCKET_MODE is true: set it to the app-level token (xapp-…).');
  if (!socketMode && !c.SLACK_SIGNING_SECRET) {
    throw new ConfigError('SLACK_SIGNING_SECRET is needed for Slack over HTTP: set it to the app’s signing secret (or use SLACK_SOCKET_MODE=true with SLACK_APP_TOKEN).');
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
    oncallGroup: c.SLACK_ONCALL_GROUP ?? null,
    activityChannel: c.SLACK_ACTIVITY_CHANNEL ?? null,
    digestChannel: c.SLACK_DIGEST_CHANNEL ?? null,
  };
}

function safeUser(): string {
  try {
    return os.userInfo().username || 'local';
  } catch {
    return 'local';
  }
}
