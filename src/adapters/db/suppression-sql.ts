import { Prisma } from './prisma-client.js';

/** `alias.column`, nothing else: the only text spliced into the predicate. */
const COLUMN_RE = /^[a-z_][a-z0-9_]*\.[a-z_][a-z0-9_]*$/;

/**
 * The one rule for "opted out", shared by every query that needs it (audience count, run build,
 * claim, retry, contact lookup) so they can never disagree: the recipient's address is on the
 * suppression list, or the contact itself is (a suppression linked to it by any of its addresses:
 * the list is cross-channel). Parenthesised, so it stays one condition whatever it is ANDed with.
 */
export function isSuppressed(columns: { recipient: string; contactId: string }): Prisma.Sql {
  for (const column of [columns.recipient, columns.contactId]) {
    if (!COLUMN_RE.test(column)) throw new Error(`isSuppressed: "${column}" is not a plain alias.column`);
  }
  const recipient = Prisma.raw(columns.recipient);
  const contactId = Prisma.raw(columns.contactId);
  return Prisma.sql`(EXISTS (SELECT 1 FROM suppression sup WHERE sup.address = ${recipient})
    OR EXISTS (SELECT 1 FROM suppression sup WHERE sup.contact_id = ${contactId}))`;
}
