import { AppError, isAppError } from '../errors.js';
import { excerpt } from '../text/excerpt.js';
import { checkText, TEXT_LIMITS } from '../text/limits.js';
import type { ContactInput, ContactListInfo, ContactStore } from '../ports/contact-store.js';
import { validateContactRow } from './contact-row.js';

/** What a contacts file reader yields: a record keyed by lower-cased header, or a row it could not read. */
export type ContactSourceRow = { line: number; record: Record<string, string> } | { line: number; error: string };

export interface ImportProblem {
  line: number;
  reason: string;
}

export interface ImportReport {
  list: string;
  createdList: boolean;
  inserted: number;
  updated: number;
  /** In line order; at most MAX_REPORTED_PROBLEMS entries, `rejectedCount` has the total. */
  rejected: ImportProblem[];
  /** Earlier duplicates of a later row in the same file; capped like `rejected`. */
  warnings: ImportProblem[];
  /**
   * Cells of kept rows that a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR
   * first): stored as given, listed so someone can look; capped like `rejected`.
   */
  formulaCells: ImportProblem[];
  rejectedCount: number;
  warningCount: number;
  formulaCellCount: number;
  /** Data rows read (the header excluded): inserted + updated + rejectedCount + duplicates. */
  totalRows: number;
}

export const IMPORT_BATCH_SIZE = 1_000;
/** Keeps the report (and memory) bounded for a million bad rows; nobody reads past this anyway. */
export const MAX_REPORTED_PROBLEMS = 10_000;

/**
 * `contacts import`: streams rows into a list (created when missing), a batch at a time so memory
 * stays flat whatever the file size. Good rows are kept, each bad row is reported with its line.
 *
 * All or nothing: the whole import runs in one transaction (ContactStore.inOneTransaction), so an
 * import that cannot finish (the database goes away, a file changes under it) leaves nothing
 * behind, the list it created included, and its error says so. A bad row is not such a failure:
 * it is reported and the import goes on.
 *
 * Duplicates: within a batch the later row wins and the earlier one gets a warning (one SQL
 * statement cannot touch a contact twice). Across batches the later row simply updates the contact
 * the earlier one wrote, the same as a re-import: the outcome is identical (later values win,
 * attributes merged), it counts as "updated", and no warning is given, because remembering every
 * address of a million-row file is what flat memory rules out.
 */
export async function importContacts(
  input: { rows: AsyncIterable<ContactSourceRow>; listName: string; actor: string },
  deps: { contacts: ContactStore },
): Promise<ImportReport> {
  const listName = input.listName.trim();
  if (!listName) throw new AppError('INVALID_INPUT', 'The list name must not be empty.');
  checkText('The list name', listName, TEXT_LIMITS.name);

  const rows = input.rows[Symbol.asyncIterator]();
  let finished = false;
  // The line being read when the import stopped, for its error.
  let line = 0;
  try {
    // Read the first row before opening the transaction: a missing file, a bad header, a file in
    // the wrong encoding or one with no rows touches nothing.
    let next: IteratorResult<ContactSourceRow>;
    try {
      next = await rows.next();
    } catch (error) {
      if (isAppError(error)) throw new AppError(error.code, `${error.message} Nothing was imported.`, error.details);
      throw error;
    }
    if (next.done) {
      finished = true;
      throw new AppError('INVALID_INPUT', 'The file has a header line but no rows: nothing was imported (no list was created or changed).', { missing: 'rows' });
    }
    line = next.value.line;
    let first: IteratorResult<ContactSourceRow> | null = next;
    const report = await deps.contacts
      .inOneTransaction(async (contacts) => {
        const { list, created } = await findOrCreateList(contacts, listName, input.actor);
        const report = emptyReport(list.name, created);
        const reject = (problem: ImportProblem) => {
          report.rejectedCount++;
          if (report.rejected.length < MAX_REPORTED_PROBLEMS) report.rejected.push(problem);
        };
        const batch = new ImportBatch();
        const flush = async () => {
          const stored = batch.take();
          if (stored.length === 0) return;
          const result = await contacts.upsertIntoList(list.id, stored);
          report.inserted += result.inserted;
          report.updated += result.updated;
          result.rejected.forEach(reject);
        };
        for (let item = first ?? (await rows.next()); !item.done; item = await rows.next()) {
          first = null;
          const row = item.value;
          line = row.line;
          report.totalRows++;
          if ('error' in row) {
            reject({ line: row.line, reason: row.error });
            continue;
          }
          const checked = validateContactRow(row.record, row.line);
          if (!checked.ok) {
            reject({ line: checked.line, reason: checked.reason });
            continue;
          }
          for (const column of checked.formulaColumns) {
            report.formulaCellCount++;
            if (report.formulaCells.length < MAX_REPORTED_PROBLEMS) {
              report.formulaCells.push({ line: row.line, reason: `column ${excerpt(column, 30)} starts with ${JSON.stringify(checked.contact.attributes[column]!.charAt(0))}` });
            }
          }
          for (const earlier of batch.add(checked.contact)) {
            report.warningCount++;
            if (report.warnings.length < MAX_REPORTED_PROBLEMS) {
              report.warnings.push({ line: earlier.line, reason: `duplicate of line ${checked.contact.line}; line ${checked.contact.line} kept` });
            }
          }
          if (batch.slots >= IMPORT_BATCH_SIZE) await flush();
        }
        finished = true;
        await flush();
        return report;
      })
      .catch((error: unknown) => {
        throw unfinished(error, line);
      });
    report.rejected.sort(byLine);
    report.warnings.sort(byLine);
    return report;
  } finally {
    // Stop the reader (close the file) when the import ends early on an error.
    if (!finished) await rows.return?.();
  }
}

function emptyReport(list: string, createdList: boolean): ImportReport {
  return {
    list,
    createdList,
    inserted: 0,
    updated: 0,
    rejected: [],
    warnings: [],
    formulaCells: [],
    rejectedCount: 0,
    warningCount: 0,
    formulaCellCount: 0,
    totalRows: 0,
  };
}

/**
 * An import that stopped part-way: its transaction was rolled back, so the error says where it
 * stopped and that nothing was kept. An AppError keeps its code; anything else is INCOMPLETE,
 * with the original as `cause` (the command layer logs it).
 */
function unfinished(error: unknown, line: number): AppError {
  const why = isAppError(error) ? error.message.replace(/\.$/, '') : 'an unexpected error';
  const message = `The import stopped at line ${line} (${why}): nothing was imported, and no list was created or changed. Fix the cause and import the file again.`;
  const wrapped = new AppError(isAppError(error) ? error.code : 'INCOMPLETE', message, { line });
  (wrapped as Error).cause = error;
  return wrapped;
}

async function findOrCreateList(
  contacts: ContactStore,
  name: string,
  actor: string,
): Promise<{ list: ContactListInfo; created: boolean }> {
  const existing = await contacts.findListByName(name);
  if (existing) return { list: existing, created: false };
  try {
    return { list: await contacts.createList({ name, description: '', createdBy: actor }), created: true };
  } catch (error) {
    // Two imports into a new list at once: the other one created it.
    const raced = isAppError(error) && error.code === 'ALREADY_EXISTS' ? await contacts.findListByName(name) : null;
    if (raced) return { list: raced, created: false };
    throw error;
  }
}

function byLine(a: ImportProblem, b: ImportProblem): number {
  return a.line - b.line;
}

/**
 * The rows of one batch, each email and phone at most once: a later row sharing an email or a
 * phone with earlier ones replaces them (and they are returned for a warning).
 */
class ImportBatch {
  private rows: (ContactInput | null)[] = [];
  private readonly byAddress = new Map<string, number>();

  /** Rows added so far, including replaced ones: bounds the batch's memory. */
  get slots(): number {
    return this.rows.length;
  }

  add(contact: ContactInput): ContactInput[] {
    const replaced: ContactInput[] = [];
    for (const key of addressKeys(contact)) {
      const index = this.byAddress.get(key);
      const earlier = index === undefined ? null : this.rows[index];
      if (index === undefined || !earlier) continue;
      replaced.push(earlier);
      this.rows[index] = null;
      for (const earlierKey of addressKeys(earlier)) this.byAddress.delete(earlierKey);
    }
    const index = this.rows.push(contact) - 1;
    for (const key of addressKeys(contact)) this.byAddress.set(key, index);
    return replaced;
  }

  take(): ContactInput[] {
    const live = this.rows.filter((row): row is ContactInput => row !== null);
    this.rows = [];
    this.byAddress.clear();
    return live;
  }
}

function addressKeys(contact: ContactInput): string[] {
  const keys: string[] = [];
  if (contact.email) keys.push(`e:${contact.email}`);
  if (contact.phone) keys.push(`p:${contact.phone}`);
  return keys;
}
