import { checkText, TEXT_LIMITS } from '../../domain/text/limits.js';
import { normalizeEmail, normalizePhone } from '../../domain/contacts/contact-row.js';
import { parseSegmentFilter, type SegmentFilter } from '../../domain/contacts/segment-filter.js';
import { AppError } from '../../domain/errors.js';
import type { Clock } from '../../domain/ports/clock.js';
import type {
  AudienceCount,
  AudienceSpec,
  ContactInfo,
  ContactInput,
  ContactListInfo,
  ContactStore,
  SegmentInfo,
  UpsertResult,
} from '../../domain/ports/contact-store.js';
import { audienceQuery, excludeAndOneTimeSql, includeSql, recipientColumn } from './audience-sql.js';
import { utcTimestamp } from './ledger-sql.js';
import { Prisma, type Db } from './prisma-client.js';
import { isSuppressed } from './suppression-sql.js';

/** Serialises contact imports (two imports inserting the same new address would collide). */
const IMPORT_LOCK_KEY = 0x6865_7261; // "hera"
/**
 * Names are unique case-insensitively among live rows, which no index says (the unique index is
 * on the exact name, deleted rows included): check-and-insert runs under a lock on the name.
 */
const NAME_LOCK_SPACE = 0x6e61_6d65; // "name"
/**
 * How long one import may hold its transaction: far above a 50 MB file (about a million rows, a
 * minute or two here), short enough that a stuck one gives its connection back.
 */
const IMPORT_TRANSACTION_TIMEOUT_MS = 30 * 60_000;

const WITH_MEMBER_COUNT = { _count: { select: { members: true } } } as const satisfies Prisma.ContactListInclude;
type ListRow = Prisma.ContactListGetPayload<{ include: typeof WITH_MEMBER_COUNT }>;
type SegmentRow = Prisma.SegmentGetPayload<object>;

interface UpsertRow {
  live: number;
  inserted: number;
  updated: number;
  rejected: RejectedRow[] | string;
}

interface RejectedRow {
  line: number;
  email: string | null;
  phone: string | null;
  emailOwner: number | null;
  phoneOwner: number | null;
  target: number | null;
  keptLine: number | null;
}

export function createContactStore(prisma: Db, clock: Clock): ContactStore {
  return new PrismaContactStore(prisma, clock);
}

/**
 * Contacts, lists and segments in PostgreSQL (embedded or server); imports are set-based SQL. The
 * times it writes come from the injected clock, not the database server's `now()`.
 */
export class PrismaContactStore implements ContactStore {
  constructor(
    private readonly prisma: Db | Prisma.TransactionClient,
    private readonly clock: Clock,
    /** Bound to an open transaction (inOneTransaction): statements run in it, in order. */
    private readonly inTransaction = false,
  ) {}

  async inOneTransaction<T>(work: (store: ContactStore) => Promise<T>): Promise<T> {
    if (this.inTransaction) return work(this);
    return (this.prisma as Db).$transaction((tx) => work(new PrismaContactStore(tx, this.clock, true)), {
      maxWait: 30_000,
      timeout: IMPORT_TRANSACTION_TIMEOUT_MS,
    });
  }

  /** Takes a transaction-scoped advisory lock, then runs the query, in one transaction. */
  private async locked<T>(lock: Prisma.PrismaPromise<unknown>, query: Prisma.PrismaPromise<T>): Promise<T> {
    if (this.inTransaction) {
      await lock;
      return query;
    }
    const [, result] = await (this.prisma as Db).$transaction([lock, query]);
    return result;
  }

  async createList(input: { name: string; description: string; createdBy: string }): Promise<ContactListInfo> {
    const name = checkName(input.name, 'list');
    const now = utcTimestamp(this.clock.now());
    const rows = await this.locked(
      this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${NAME_LOCK_SPACE}::int, hashtext('list:' || lower(${name}::text)))`,
      this.prisma.$queryRaw<{ id: number }[]>`
        INSERT INTO contact_list (name, description, created_by, created_at)
        SELECT ${name}::text, ${checkText('The list description', input.description.trim(), TEXT_LIMITS.description)}::text, ${input.createdBy}::text, ${now}
        WHERE NOT EXISTS (SELECT 1 FROM contact_list WHERE (lower(name) = lower(${name}::text) AND deleted_at IS NULL) OR name = ${name}::text)
        RETURNING id`,
    );
    const list = rows[0] ? await this.getList(rows[0].id) : null;
    if (!list) throw new AppError('ALREADY_EXISTS', `A list named "${name}" already exists.`, { name });
    return list;
  }

  async findListByName(name: string): Promise<ContactListInfo | null> {
    const rows = await this.prisma.$queryRaw<{ id: number }[]>`
      SELECT id FROM contact_list WHERE lower(name) = lower(${name.trim()}::text) AND deleted_at IS NULL ORDER BY id LIMIT 1`;
    return rows[0] ? this.getList(rows[0].id) : null;
  }

  async getList(id: number): Promise<ContactListInfo | null> {
    const row = await this.prisma.contactList.findUnique({ where: { id }, include: WITH_MEMBER_COUNT });
    return row ? toListInfo(row) : null;
  }

  async listLists(): Promise<ContactListInfo[]> {
    const rows = await this.prisma.contactList.findMany({ where: { deletedAt: null }, include: WITH_MEMBER_COUNT, orderBy: { name: 'asc' } });
    return rows.map(toListInfo);
  }

  async deleteList(id: number): Promise<void> {
    const row = await this.prisma.contactList.findUnique({ where: { id } });
    if (!row) throw new AppError('NOT_FOUND', `No contact list #${id}.`, { listId: id });
    if (row.deletedAt) return;
    // Conditional on still being live, so two deletes at once rename it once.
    await this.prisma.contactList.updateMany({
      where: { id, deletedAt: null },
      data: { deletedAt: this.clock.now(), name: deletedName(row.name, id) },
    });
  }

  /**
   * One statement per batch, inside a transaction holding the import lock:
   * 1. match each row to the contact owning its email and the one owning its phone;
   * 2. reject rows whose email and phone belong to two different contacts, and earlier rows that
   *    resolve to the same contact as a later row of the batch (one statement cannot update a row
   *    twice);
   * 3. update matched contacts (the row's email/phone/time zone win, attributes merged), insert
   *    the rest, and add both to the list.
   * New addresses cannot collide: each is owned by no contact and appears once in the batch.
   */
  async upsertIntoList(listId: number, rows: ContactInput[]): Promise<UpsertResult> {
    if (rows.length === 0) {
      await this.assertLiveList(listId);
      return { inserted: 0, updated: 0, rejected: [] };
    }
    const now = utcTimestamp(this.clock.now());
    const batch = JSON.stringify(
      rows.map((r) => ({ line: r.line, email: r.email, phone: r.phone, attrs: r.attributes, tz: r.timeZone })),
    );
    const result = await this.locked(
      this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${IMPORT_LOCK_KEY}::bigint)`,
      this.prisma.$queryRaw<UpsertRow[]>`
        WITH live AS (
          SELECT id FROM contact_list WHERE id = ${listId}::int AND deleted_at IS NULL
        ),
        input AS (
          SELECT t.line, t.email, t.phone, coalesce(t.attrs, '{}'::jsonb) AS attrs, t.tz
          FROM jsonb_to_recordset(${batch}::jsonb) AS t(line int, email text, phone text, attrs jsonb, tz text)
          WHERE EXISTS (SELECT 1 FROM live)
        ),
        matched AS (
          SELECT i.*, e.id AS email_owner, p.id AS phone_owner, coalesce(e.id, p.id) AS target,
                 (e.id IS NOT NULL AND p.id IS NOT NULL AND e.id <> p.id) AS crossed
          FROM input i
          LEFT JOIN contact e ON e.email = i.email
          LEFT JOIN contact p ON p.phone = i.phone
        ),
        ranked AS (
          SELECT m.*, max(m.line) FILTER (WHERE NOT m.crossed) OVER (PARTITION BY m.target) AS kept_line
          FROM matched m
        ),
        updated AS (
          UPDATE contact c
          SET email = coalesce(r.email, c.email),
              phone = coalesce(r.phone, c.phone),
              attributes = c.attributes || r.attrs,
              time_zone = coalesce(r.tz, c.time_zone),
              updated_at = ${now}
          FROM ranked r
          WHERE c.id = r.target AND NOT r.crossed AND r.line = r.kept_line
          RETURNING c.id
        ),
        inserted AS (
          INSERT INTO contact (email, phone, attributes, time_zone, created_at, updated_at)
          SELECT r.email, r.phone, r.attrs, r.tz, ${now}, ${now}
          FROM ranked r
          WHERE r.target IS NULL
          ORDER BY r.line
          RETURNING id
        ),
        joined AS (
          INSERT INTO list_member (list_id, contact_id, added_at)
          SELECT ${listId}::int, x.id, ${now}
          FROM (SELECT id FROM updated UNION ALL SELECT id FROM inserted) x
          ON CONFLICT DO NOTHING
        )
        SELECT
          (SELECT count(*) FROM live)::int AS live,
          (SELECT count(*) FROM inserted)::int AS inserted,
          (SELECT count(*) FROM updated)::int AS updated,
          (SELECT coalesce(jsonb_agg(jsonb_build_object(
                    'line', r.line, 'email', r.email, 'phone', r.phone, 'emailOwner', r.email_owner,
                    'phoneOwner', r.phone_owner, 'target', r.target, 'keptLine', r.kept_line) ORDER BY r.line), '[]'::jsonb)
             FROM ranked r
             WHERE r.crossed OR (r.target IS NOT NULL AND r.line <> r.kept_line))::text AS rejected`,
    );
    const row = result[0];
    if (!row || row.live === 0) throw listGone(listId);
    const rejected = (typeof row.rejected === 'string' ? (JSON.parse(row.rejected) as RejectedRow[]) : row.rejected).map((r) => ({
      line: r.line,
      reason: rejectionReason(r),
    }));
    return { inserted: row.inserted, updated: row.updated, rejected };
  }

  async findContact(address: string): Promise<ContactInfo | null> {
    const text = address.trim();
    if (!text) return null;
    const where: Prisma.ContactWhereInput = text.includes('@')
      ? { email: normalizeEmail(text) ?? text.toLowerCase() }
      : { phone: normalizePhone(text) ?? text };
    const row = await this.prisma.contact.findFirst({
      where,
      include: { memberships: { where: { list: { deletedAt: null } }, include: { list: true } } },
    });
    if (!row) return null;
    // Opted out on either channel: the send paths' rule applied to each of the contact's addresses.
    const [flag] = await this.prisma.$queryRaw<{ suppressed: boolean }[]>`
      SELECT (${isSuppressed({ recipient: 'c.email', contactId: 'c.id' })} OR ${isSuppressed({ recipient: 'c.phone', contactId: 'c.id' })}) AS suppressed
      FROM contact c WHERE c.id = ${row.id}::int`;
    return {
      id: row.id,
      email: row.email,
      phone: row.phone,
      attributes: toAttributes(row.attributes),
      timeZone: row.timeZone,
      lists: row.memberships.map((m) => m.list.name).sort((a, b) => a.localeCompare(b)),
      suppressed: flag?.suppressed === true,
    };
  }

  async createSegment(input: { name: string; filter: SegmentFilter; createdBy: string }): Promise<SegmentInfo> {
    const name = checkName(input.name, 'segment');
    const filter = JSON.stringify(parseSegmentFilter(input.filter));
    const now = utcTimestamp(this.clock.now());
    const rows = await this.locked(
      this.prisma.$executeRaw`SELECT pg_advisory_xact_lock(${NAME_LOCK_SPACE}::int, hashtext('segment:' || lower(${name}::text)))`,
      this.prisma.$queryRaw<{ id: number }[]>`
        INSERT INTO segment (name, filter, created_by, created_at)
        SELECT ${name}::text, ${filter}::jsonb, ${input.createdBy}::text, ${now}
        WHERE NOT EXISTS (SELECT 1 FROM segment WHERE (lower(name) = lower(${name}::text) AND deleted_at IS NULL) OR name = ${name}::text)
        RETURNING id`,
    );
    const segment = rows[0] ? await this.getSegment(rows[0].id) : null;
    if (!segment) throw new AppError('ALREADY_EXISTS', `A segment named "${name}" already exists.`, { name });
    return segment;
  }

  async findSegmentByName(name: string): Promise<SegmentInfo | null> {
    const rows = await this.prisma.$queryRaw<{ id: number }[]>`
      SELECT id FROM segment WHERE lower(name) = lower(${name.trim()}::text) AND deleted_at IS NULL ORDER BY id LIMIT 1`;
    return rows[0] ? this.getSegment(rows[0].id) : null;
  }

  async getSegment(id: number): Promise<SegmentInfo | null> {
    const row = await this.prisma.segment.findUnique({ where: { id } });
    return row ? toSegmentInfo(row) : null;
  }

  async listSegments(): Promise<SegmentInfo[]> {
    const rows = await this.prisma.segment.findMany({ where: { deletedAt: null }, orderBy: { name: 'asc' } });
    return rows.map(toSegmentInfo);
  }

  async deleteSegment(id: number): Promise<void> {
    const row = await this.prisma.segment.findUnique({ where: { id } });
    if (!row) throw new AppError('NOT_FOUND', `No segment #${id}.`, { segmentId: id });
    if (row.deletedAt) return;
    await this.prisma.segment.updateMany({
      where: { id, deletedAt: null },
      data: { deletedAt: this.clock.now(), name: deletedName(row.name, id) },
    });
  }

  /**
   * The audience funnel in one pass over the list. "Suppressed" is the run build's rule
   * (`isSuppressed`), counted only among the final audience.
   */
  async countAudience(spec: AudienceSpec): Promise<AudienceCount> {
    const recipient = recipientColumn(spec.address);
    const rows = await this.prisma.$queryRaw<AudienceCount[]>`
      SELECT count(*)::int AS "listMembers",
             count(*) FILTER (WHERE a.recipient IS NOT NULL)::int AS "reachable",
             count(*) FILTER (WHERE a.recipient IS NOT NULL AND a.included)::int AS "afterInclude",
             count(*) FILTER (WHERE a.recipient IS NOT NULL AND a.included AND a.kept)::int AS "final",
             count(*) FILTER (WHERE a.recipient IS NOT NULL AND a.included AND a.kept
                                AND ${isSuppressed({ recipient: 'a.recipient', contactId: 'a.id' })})::int AS "suppressed"
      FROM (
        SELECT c.id, ${recipient} AS recipient, ${includeSql(spec)} AS included, ${excludeAndOneTimeSql(spec)} AS kept
        FROM list_member m
        JOIN contact c ON c.id = m.contact_id
        WHERE m.list_id = ${spec.listId}::int
      ) a`;
    const row = rows[0];
    const count: AudienceCount = {
      listMembers: row?.listMembers ?? 0,
      reachable: row?.reachable ?? 0,
      afterInclude: row?.afterInclude ?? 0,
      final: row?.final ?? 0,
      suppressed: row?.suppressed ?? 0,
    };
    if ('field' in spec.address) return count;
    // An attribute address may be shared by several contacts and a run reaches it once: the last
    // two steps are counted over the very rows the run build writes (emails and phones are unique
    // per contact, so for them the pass above already is).
    const [built] = await this.prisma.$queryRaw<{ final: number; suppressed: number }[]>`
      SELECT count(*)::int AS "final",
             count(*) FILTER (WHERE ${isSuppressed({ recipient: 'a.recipient', contactId: 'a.contact_id' })})::int AS "suppressed"
      FROM (${audienceQuery(spec)}) a`;
    return { ...count, final: built?.final ?? 0, suppressed: built?.suppressed ?? 0 };
  }

  private async assertLiveList(listId: number): Promise<void> {
    const list = await this.prisma.contactList.findUnique({ where: { id: listId }, select: { deletedAt: true } });
    if (!list || list.deletedAt) throw listGone(listId);
  }
}

function rejectionReason(r: RejectedRow): string {
  if (r.emailOwner !== null && r.phoneOwner !== null && r.emailOwner !== r.phoneOwner) {
    return (
      `email ${JSON.stringify(r.email)} belongs to contact #${r.emailOwner} and phone ${JSON.stringify(r.phone)} ` +
      `to contact #${r.phoneOwner}; a row cannot join two contacts`
    );
  }
  return `same contact (#${r.target}) as line ${r.keptLine}; line ${r.keptLine} kept`;
}

function listGone(listId: number): AppError {
  return new AppError('NOT_FOUND', `Contact list #${listId} does not exist or was deleted.`, { listId });
}

function checkName(raw: string, what: 'list' | 'segment'): string {
  const name = raw.trim();
  if (!name) throw new AppError('INVALID_INPUT', `The ${what} name must not be empty.`);
  return checkText(`The ${what} name`, name, TEXT_LIMITS.name);
}

/** Frees the unique name of a soft-deleted list or segment (see ContactListInfo). */
function deletedName(name: string, id: number): string {
  return `${name} (deleted ${id})`;
}

function toListInfo(row: ListRow): ContactListInfo {
  return {
    id: row.id,
    name: row.name,
    description: row.description,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    deletedAt: row.deletedAt,
    memberCount: row._count.members,
  };
}

function toSegmentInfo(row: SegmentRow): SegmentInfo {
  return {
    id: row.id,
    name: row.name,
    filter: parseSegmentFilter(row.filter),
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    deletedAt: row.deletedAt,
  };
}

function toAttributes(json: Prisma.JsonValue): Record<string, string> {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return {};
  return Object.fromEntries(
    Object.entries(json)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
  );
}
