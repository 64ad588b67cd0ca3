import { isNumber, NUMBER_PATTERN, type Condition, type ConditionOp, type SegmentFilter } from '../../domain/contacts/segment-filter.js';
import type { AudienceSpec } from '../../domain/ports/contact-store.js';
import { Prisma } from './prisma-client.js';

/**
 * Segment filters as SQL, with the semantics of `matchesFilter` in the domain (see
 * segment-filter.ts). Every value and attribute key is a bind parameter; the only text spliced in
 * is the table alias (checked) and fixed operators. Each condition yields true or false, never
 * NULL, so `NOT (exclude)` keeps contacts that lack the attribute.
 */

const ALIAS_RE = /^[a-z_][a-z0-9_]*$/;
const TRUE = Prisma.sql`TRUE`;
const FALSE = Prisma.sql`FALSE`;

const ORDER_OPERATOR: Partial<Record<ConditionOp, Prisma.Sql>> = {
  gt: Prisma.raw('>'),
  gte: Prisma.raw('>='),
  lt: Prisma.raw('<'),
  lte: Prisma.raw('<='),
};

export function compileFilter(filter: SegmentFilter, alias = 'c'): Prisma.Sql {
  if (!ALIAS_RE.test(alias)) throw new Error(`compileFilter: "${alias}" is not a plain SQL alias`);
  const table = Prisma.raw(alias);
  const parts = filter.conditions.map((condition) => compileCondition(condition, table));
  if (parts.length === 0) return filter.match === 'all' ? TRUE : FALSE;
  return Prisma.join(parts, filter.match === 'all' ? ' AND ' : ' OR ', '(', ')');
}

function compileCondition(condition: Condition, table: Prisma.Sql): Prisma.Sql {
  const x = fieldSql(condition.field, table);
  const value = condition.value ?? '';
  switch (condition.op) {
    case 'exists':
      return Prisma.sql`(coalesce(${x}, '') <> '')`;
    case 'not_exists':
      return Prisma.sql`(coalesce(${x}, '') = '')`;
    case 'eq':
      return equals(x, value);
    case 'neq':
      return Prisma.sql`(NOT ${equals(x, value)})`;
    case 'contains':
      // strpos, not LIKE: % and _ in the value are plain characters.
      return Prisma.sql`coalesce(strpos(lower(${x}), lower(${value}::text)) > 0, false)`;
    default: {
      const operator = ORDER_OPERATOR[condition.op]!;
      if (isNumber(value)) return Prisma.sql`coalesce(${asNumber(x)} ${operator} ${value}::numeric, false)`;
      return Prisma.sql`coalesce(${x} COLLATE "C" ${operator} ${value}::text COLLATE "C", false)`;
    }
  }
}

function fieldSql(field: string, table: Prisma.Sql): Prisma.Sql {
  if (field === 'email') return Prisma.sql`${table}.email`;
  if (field === 'phone') return Prisma.sql`${table}.phone`;
  return Prisma.sql`(${table}.attributes ->> ${field}::text)`;
}

/** A number when the text is one, else NULL: never a cast error on "n/a". */
function asNumber(x: Prisma.Sql): Prisma.Sql {
  return Prisma.sql`(CASE WHEN ${x} ~ ${NUMBER_PATTERN}::text THEN (${x})::numeric END)`;
}

function equals(x: Prisma.Sql, value: string): Prisma.Sql {
  // A numeric value equals numbers numerically (30 = 30.0); non-number text can never equal it.
  if (isNumber(value)) return Prisma.sql`coalesce(${asNumber(x)} = ${value}::numeric, false)`;
  return Prisma.sql`coalesce(${x} = ${value}::text, false)`;
}

/** Contact `c`'s address for the channel: its email or phone column, or a custom attribute. */
export function recipientColumn(address: AudienceSpec['address']): Prisma.Sql {
  if ('field' in address) return address.field === 'email' ? Prisma.raw('c.email') : Prisma.raw('c.phone');
  return Prisma.sql`nullif(c.attributes ->> ${address.attribute}::text, '')`;
}

/** Matches at least one include segment; true when there is none. */
export function includeSql(spec: Pick<AudienceSpec, 'include'>): Prisma.Sql {
  if (spec.include.length === 0) return TRUE;
  return Prisma.join(
    spec.include.map((f) => compileFilter(f)),
    ' OR ',
    '(',
    ')',
  );
}

/** Matches no exclude segment, and the one-time filter when there is one. */
export function excludeAndOneTimeSql(spec: Pick<AudienceSpec, 'exclude' | 'oneTime'>): Prisma.Sql {
  const exclude =
    spec.exclude.length === 0
      ? TRUE
      : Prisma.sql`NOT ${Prisma.join(
          spec.exclude.map((f) => compileFilter(f)),
          ' OR ',
          '(',
          ')',
        )}`;
  const oneTime = spec.oneTime ? compileFilter(spec.oneTime) : TRUE;
  return Prisma.sql`(${exclude} AND ${oneTime})`;
}

/**
 * The audience of a run as a plain SELECT of `(contact_id, recipient)`, one row per recipient: list
 * members with an address for the channel, matching any include segment (all when none), no exclude
 * segment, and the one-time filter. Suppressed addresses are included: the caller turns them into
 * `opted_out` messages. Meant for `INSERT INTO message … SELECT … FROM (…) a`.
 */
export function audienceQuery(spec: AudienceSpec): Prisma.Sql {
  const recipient = recipientColumn(spec.address);
  const members = Prisma.sql`SELECT c.id AS contact_id, ${recipient} AS recipient
FROM contact c
JOIN list_member m ON m.contact_id = c.id
WHERE m.list_id = ${spec.listId}::int
  AND ${recipient} IS NOT NULL
  AND ${includeSql(spec)}
  AND ${excludeAndOneTimeSql(spec)}`;
  // Emails and phones are unique per contact and a contact is in a list once, so those recipients
  // are distinct already (no sort of a million rows); an attribute address may repeat across contacts.
  if ('field' in spec.address) return members;
  return Prisma.sql`SELECT DISTINCT ON (d.recipient) d.contact_id, d.recipient FROM (${members}) d ORDER BY d.recipient, d.contact_id`;
}
