import { AppError } from '../../domain/errors.js';
import { describeInvalidCharacter } from '../../domain/text/invalid-characters.js';
import type { PrismaClient } from './generated/client.js';

/**
 * The database adapter's last guard, for values that reach it without passing the command grammar
 * (which refuses them first, naming the flag): before a query, any string argument holding a
 * character PostgreSQL cannot store (NUL) or would silently replace (a lone surrogate becomes
 * U+FFFD) is refused; after it, PostgreSQL's "this value cannot be stored" errors (too long for an
 * index, a number or date out of range) become INVALID_INPUT instead of an internal error with a
 * Prisma stack. Either way the statement did not run, so nothing was written by it.
 */

/** NUL and lone surrogates only: the characters the storage itself cannot keep. */
const UNSTORABLE = /[\0\p{Cs}]/u;

/** The first unstorable string in a query's arguments, with the name of the field that holds it. */
export function findUnstorable(value: unknown, field = 'a value', depth = 0): { field: string; text: string } | null {
  if (typeof value === 'string') return UNSTORABLE.test(value) ? { field, text: value } : null;
  if (depth > 12 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = findUnstorable(item, field, depth + 1);
      if (found) return found;
    }
    return null;
  }
  const proto = Object.getPrototypeOf(value) as unknown;
  // Plain objects (model arguments, JSON values) and Prisma.Sql (raw queries keep their values in `values`).
  const values = (value as { values?: unknown }).values;
  if (proto !== Object.prototype && proto !== null) return Array.isArray(values) ? findUnstorable(values, field, depth + 1) : null;
  for (const [key, item] of Object.entries(value)) {
    const found = findUnstorable(item, /^(data|where|create|update|set|equals|in|contains|startsWith|endsWith|values|AND|OR|NOT|\d+)$/.test(key) ? field : key, depth + 1);
    if (found) return found;
  }
  return null;
}

interface DriverCause {
  originalCode?: string;
  code?: string;
  originalMessage?: string;
  message?: string;
}

/** PostgreSQL's SQLSTATE and message behind a Prisma error (driver adapter errors carry them in meta). */
function sqlState(error: unknown): { code: string; message: string } | null {
  const e = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: DriverCause } }; cause?: DriverCause };
  const cause = e.meta?.driverAdapterError?.cause ?? e.cause;
  const code = cause?.originalCode ?? cause?.code;
  if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return { code, message: cause?.originalMessage ?? cause?.message ?? '' };
  if (e.code === 'P2020') return { code: '22003', message: '' };
  if (e.code === 'P2000') return { code: '22001', message: '' };
  return null;
}

/** The sentence for a value PostgreSQL refused to store, or null when the error is something else. */
export function storageProblem(error: unknown): AppError | null {
  const state = sqlState(error);
  if (!state) return null;
  const index = /for index "([^"]+)"/.exec(state.message)?.[1];
  const where = index ? ` (${index.replace(/_(key|idx)$/, '').replace(/_/g, ' ')})` : '';
  switch (state.code) {
    case '22021':
    case '22P05':
      return new AppError('INVALID_INPUT', `A value contains a character that cannot be stored (such as NUL); remove it. Nothing was saved.`);
    case '54000':
      return new AppError('INVALID_INPUT', `A value is too long to be stored${where}; shorten it. Nothing was saved.`);
    case '22001':
      return new AppError('INVALID_INPUT', `A value is longer than its field allows; shorten it. Nothing was saved.`);
    case '22003':
      return new AppError('INVALID_INPUT', `A number is out of the range the database stores (ids and counts go up to 2,147,483,647). Nothing was saved.`);
    case '22008':
      return new AppError('INVALID_INPUT', `A date is out of the range the database stores. Nothing was saved.`);
    default:
      return null;
  }
}

/** The client with the guard on every model operation and raw query. */
export function guardStorage(prisma: PrismaClient): PrismaClient {
  return prisma.$extends({
    query: {
      async $allOperations({ args, query }) {
        const found = findUnstorable(args);
        if (found) {
          const match = UNSTORABLE.exec(found.text) as RegExpExecArray;
          const bad = { codePoint: match[0].codePointAt(0) as number, position: Array.from(found.text.slice(0, match.index)).length + 1 };
          const field = found.field.charAt(0).toUpperCase() + found.field.slice(1);
          throw new AppError('INVALID_INPUT', `${field} ${describeInvalidCharacter(bad)}. Nothing was saved.`, { field: found.field });
        }
        try {
          return await query(args);
        } catch (error) {
          throw storageProblem(error) ?? error;
        }
      },
    },
  }) as unknown as PrismaClient;
}
