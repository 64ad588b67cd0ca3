import pino, { type DestinationStream } from 'pino';
import type { LogLevelName } from '../../config.js';
import type { EventLog } from '../../domain/ports/event-log.js';

/**
 * What every part of Herald logs through: a message and its fields (campaign, run and message ids
 * where they apply; never secrets, never request or message bodies). One JSON object per line on
 * stderr; stdout belongs to the console's replies.
 */
export interface HeraldLogger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
  fatal(message: string, fields?: Record<string, unknown>): void;
  /** A logger whose every line also carries `bindings` (an edge's name, a campaign id). */
  child(bindings: Record<string, unknown>): HeraldLogger;
  /** Whether lines of this level are written (so a caller can skip costly fields). */
  isLevelEnabled(level: LogLevelName): boolean;
  /** Blanks one more value from now on, in every line of this logger and its family (a generated secret). */
  addSecret(value: string): void;
}

export interface LoggerOptions {
  level: LogLevelName;
  /** Configured secret values (config.ts `configSecrets`): blanked wherever they would appear in a line. */
  secrets?: string[];
  /** Where lines go; stderr (synchronously, so nothing is lost at exit) unless given (tests). */
  destination?: DestinationStream;
}

export const REDACTED = '[redacted]';

/**
 * Field names that hold secrets: as a line's own field, one or two levels down (a config section,
 * an error's options) or in headers. pino blanks them before the line is written.
 */
const SECRET_FIELDS = [
  'password',
  'pass',
  'token',
  'botToken',
  'appToken',
  'authToken',
  'signingSecret',
  'secret',
  'privateKey',
  'apiKey',
  'authorization',
  'cookie',
  'databaseUrl',
  'smtpUrl',
  'connectionString',
];
export const REDACTED_PATHS = SECRET_FIELDS.flatMap((f) => [f, `*.${f}`, `*.*.${f}`, `headers.${f}`, `*.headers.${f}`]);

/** Shorter values are too common to blank without mangling lines (and are no real secret). */
const MIN_SECRET_LENGTH = 6;

/** Creates Herald's one logger (pino): `LOG_LEVEL` lines and above, secrets blanked twice over. */
export function createLogger(options: LoggerOptions): HeraldLogger {
  const scrubber = new SecretScrubber(options.secrets ?? []);
  const root = pino(
    {
      level: options.level,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_PATHS, censor: REDACTED },
      // Field names catch the secrets we expect; this catches a configured value that turns up anywhere
      // else (inside an error message or a URL some library logged).
      hooks: { streamWrite: (line) => scrubber.scrub(line) },
    },
    options.destination ?? pino.destination({ fd: 2, sync: true }),
  );
  return wrap(root, scrubber);
}

function wrap(p: pino.Logger, scrubber: SecretScrubber): HeraldLogger {
  return {
    debug: (message, fields) => p.debug(fields ?? {}, message),
    info: (message, fields) => p.info(fields ?? {}, message),
    warn: (message, fields) => p.warn(fields ?? {}, message),
    error: (message, fields) => p.error(fields ?? {}, message),
    fatal: (message, fields) => p.fatal(fields ?? {}, message),
    child: (bindings) => wrap(p.child(bindings), scrubber),
    isLevelEnabled: (level) => level !== 'silent' && p.isLevelEnabled(level),
    addSecret: (value) => scrubber.add(value),
  };
}

/** The domain's event port as log lines: the event name is the message and an `event` field. */
export function eventLog(logger: HeraldLogger): EventLog {
  return (event, fields, level = 'info') => logger[level](event, { event, ...fields });
}

/**
 * Replaces every form a secret takes in a serialised line (as is, JSON-escaped, URL-encoded, each
 * line of a multi-line key) with REDACTED.
 */
export class SecretScrubber {
  /** Longest first, so a secret's whole text goes before a line of it. */
  private forms: string[] = [];

  constructor(secrets: string[] = []) {
    for (const secret of secrets) this.add(secret);
  }

  add(secret: string): void {
    const forms = new Set(this.forms);
    for (const form of [secret, JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret), ...secret.split(/\r?\n/)]) {
      if (form.trim().length >= MIN_SECRET_LENGTH) forms.add(form.trim());
    }
    this.forms = [...forms].sort((a, b) => b.length - a.length);
  }

  scrub(line: string): string {
    let out = line;
    for (const form of this.forms) if (out.includes(form)) out = out.split(form).join(REDACTED);
    return out;
  }
}
