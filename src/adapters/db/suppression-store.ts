import { normalizePhone } from '../../domain/contacts/contact-row.js';
import type { Clock } from '../../domain/ports/clock.js';
import type { Suppression, SuppressionStore } from '../../domain/ports/suppression-store.js';
import { utcTimestamp } from './ledger-sql.js';
import type { Db } from './prisma-client.js';

/** Something that runs raw SQL: the client or a transaction. */
type SqlRunner = Pick<Db, '$executeRaw'>;

/**
 * The one spelling of an address on the list: emails lower-cased, phones as E.164 without
 * separators (so `+1 415-555-0100` from a webhook matches the contact's `+14155550100`).
 */
export function suppressionAddress(address: string): string {
  const trimmed = address.trim();
  if (trimmed.includes('@')) return trimmed.toLowerCase();
  return normalizePhone(trimmed) ?? trimmed;
}

/**
 * Adds an address unless it is already listed, linking the contact that owns it. Shared with the
 * receipt store so every path writes the same row. Returns true when added now. `at` is the
 * caller's clock time (never the database's `now()`, which no injected clock controls).
 */
export async function insertSuppression(
  db: SqlRunner,
  input: { address: string; reason: string; source: string; at: Date },
): Promise<boolean> {
  const address = suppressionAddress(input.address);
  const createdAt = utcTimestamp(input.at);
  const inserted = await db.$executeRaw`
    INSERT INTO suppression (address, contact_id, reason, source, created_at)
    VALUES (
      ${address},
      (SELECT id FROM contact WHERE email = ${address} OR phone = ${address} ORDER BY id LIMIT 1),
      ${input.reason}, ${input.source}, ${createdAt}
    )
    ON CONFLICT (address) DO NOTHING`;
  return inserted === 1;
}

/** The cross-channel suppression list in PostgreSQL; the unique address makes adding idempotent. */
export class PrismaSuppressionStore implements SuppressionStore {
  constructor(
    private readonly prisma: Db,
    private readonly clock: Clock,
  ) {}

  add(input: { address: string; reason: string; source: string }): Promise<boolean> {
    return insertSuppression(this.prisma, { ...input, at: this.clock.now() });
  }

  async remove(address: string): Promise<boolean> {
    const { count } = await this.prisma.suppression.deleteMany({ where: { address: suppressionAddress(address) } });
    return count > 0;
  }

  async find(address: string): Promise<Suppression | null> {
    const row = await this.prisma.suppression.findUnique({ where: { address: suppressionAddress(address) } });
    return row ? { address: row.address, contactId: row.contactId, reason: row.reason, source: row.source, createdAt: row.createdAt } : null;
  }
}
