import { LogLevel, type Logger } from '@slack/bolt';
import type { SlackLogger } from './slack-context.js';

const SEVERITY: Record<LogLevel, number> = { [LogLevel.DEBUG]: 0, [LogLevel.INFO]: 1, [LogLevel.WARN]: 2, [LogLevel.ERROR]: 3 };

/**
 * Bolt's and the Web API client's own logs as Herald's lines (stderr, JSON), instead of their console
 * logger on stdout. Bolt's level filters first; Herald's LOG_LEVEL then decides what is written.
 */
export function boltLogger(logger: SlackLogger, level: LogLevel): Logger {
  let current = level;
  let name = 'bolt';
  const at = (l: LogLevel, write: (message: string, context?: Record<string, unknown>) => void) => (...msg: unknown[]) => {
    if (SEVERITY[l] >= SEVERITY[current]) write(msg.map(text).join(' '), { source: name });
  };
  return {
    debug: at(LogLevel.DEBUG, (m, c) => logger.debug?.(m, c)),
    info: at(LogLevel.INFO, (m, c) => logger.info(m, c)),
    warn: at(LogLevel.WARN, (m, c) => logger.warn(m, c)),
    error: at(LogLevel.ERROR, (m, c) => logger.error(m, c)),
    setLevel: (l) => void (current = l),
    getLevel: () => current,
    setName: (n) => void (name = n),
  };
}

/** The most verbose Bolt level whose lines Herald's logger would write (LOG_LEVEL): none built in vain. */
export function boltLevel(logger: SlackLogger): LogLevel {
  if (!logger.isLevelEnabled) return LogLevel.INFO;
  if (logger.isLevelEnabled('debug')) return LogLevel.DEBUG;
  if (logger.isLevelEnabled('info')) return LogLevel.INFO;
  if (logger.isLevelEnabled('warn')) return LogLevel.WARN;
  return LogLevel.ERROR;
}

function text(part: unknown): string {
  if (typeof part === 'string') return part;
  if (part instanceof Error) return part.stack ?? part.message;
  try {
    return JSON.stringify(part);
  } catch {
    return String(part);
  }
}
