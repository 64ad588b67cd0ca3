import type { ImportReport } from '../domain/contacts/import-contacts.js';
import { excerpt } from '../domain/text/excerpt.js';
import { reply, type Reply, type ReplyBlock } from './reply.js';

/** How many bad rows a reply lists one by one before summarising (the file holds them all). */
const MAX_LISTED_PROBLEMS = 50;

/**
 * The report of an import (`contacts import PATH` or a Slack upload): kept (new), updated and
 * rejected rows, each rejected row and warning with its line, and cells stored as given that a
 * spreadsheet would run as formulas; `rejectedFile` names the file of the rejected rows sent with
 * it. `source` is the path or file name, shown as an excerpt.
 */
export function importReportReply(report: ImportReport, source: string, rejectedFile?: { name: string; rows: number }): Reply {
  const headline =
    `Imported ${excerpt(source, 80)} into list "${report.list}"${report.createdList ? ' (new list)' : ''}: ` +
    `${report.inserted} new, ${report.updated} updated, ${report.rejectedCount} rejected` +
    `${report.warningCount ? `, ${report.warningCount} warnings` : ''} (${report.totalRows} rows).`;
  const blocks: ReplyBlock[] = [{ type: 'text', text: headline }];
  const problem = (p: { line: number; reason: string }) => `line ${p.line}: ${p.reason}`;
  if (report.rejectedCount) {
    blocks.push({ type: 'text', text: 'Rejected rows (every other row was read and kept; fix these and import them again):' });
    blocks.push({ type: 'list', items: report.rejected.slice(0, MAX_LISTED_PROBLEMS).map(problem) });
    if (report.rejectedCount > MAX_LISTED_PROBLEMS) blocks.push({ type: 'context', text: `and ${report.rejectedCount - MAX_LISTED_PROBLEMS} more rejected rows` });
    if (rejectedFile) {
      const part = rejectedFile.rows < report.rejectedCount ? ` (the first ${rejectedFile.rows} of ${report.rejectedCount})` : '';
      blocks.push({
        type: 'context',
        text: `${rejectedFile.name} below holds the rejected rows${part} as they were, each after its line and reason: fix them there and upload that file again (its rejected_line and rejected_reason columns are ignored).`,
      });
    }
  }
  if (report.warningCount) {
    blocks.push({ type: 'text', text: 'Warnings:' });
    blocks.push({ type: 'list', items: report.warnings.slice(0, MAX_LISTED_PROBLEMS).map(problem) });
    if (report.warningCount > MAX_LISTED_PROBLEMS) blocks.push({ type: 'context', text: `and ${report.warningCount - MAX_LISTED_PROBLEMS} more warnings` });
  }
  if (report.formulaCellCount) {
    blocks.push({
      type: 'text',
      text: "Cells a spreadsheet would run as a formula (stored as given; CSV files Herald writes put an apostrophe before them so they stay text):",
    });
    blocks.push({ type: 'list', items: report.formulaCells.slice(0, MAX_LISTED_PROBLEMS).map(problem) });
    if (report.formulaCellCount > MAX_LISTED_PROBLEMS) blocks.push({ type: 'context', text: `and ${report.formulaCellCount - MAX_LISTED_PROBLEMS} more such cells` });
  }
  // Rows were kept either way; a rejected row still counts as a failed command so scripts notice.
  return { ...reply(headline, blocks), ok: report.rejectedCount === 0 };
}
