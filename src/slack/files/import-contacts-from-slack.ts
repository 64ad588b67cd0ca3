import type { webApi } from '@slack/bolt';
import { appErrorReply } from '../../commands/error-replies.js';
import { importReportReply } from '../../commands/import-report-reply.js';
import { errorReply } from '../../commands/reply.js';
import { importContactsFile } from '../../domain/contacts/import-contacts-file.js';
import { isAppError } from '../../domain/errors.js';
import type { SlackContext } from '../slack-context.js';
import { FILE_KINDS } from './file-kinds.js';
import { shareFile } from './share-file.js';
import { SlackFileRefused } from './slack-file-refused.js';
import { spoolSlackFile, type SpooledFile } from './spool-slack-file.js';
import { tellPerson } from './tell-person.js';

export interface SlackContactsImport {
  userId: string;
  fileId: string;
  listName: string;
}

/**
 * Runs an import the person asked for in Slack (role already checked, request already acknowledged):
 * the file is downloaded and checked whole (spoolSlackFile), imported by the domain's
 * importContactsFile through the app's deps, and the report goes to the person's DM with the
 * rejected rows attached as a CSV. Every outcome is told to the person; a refused file imports
 * nothing. Answers whether the import ran.
 *
 * This is the one place the Slack upload reaches the domain: when the command layer takes typed
 * commands, it becomes `execute({ contacts import from bytes }, actor)` plus the DM and the upload.
 */
export async function importContactsFromSlack(ctx: SlackContext, client: webApi.WebClient, req: SlackContactsImport): Promise<boolean> {
  let spooled: SpooledFile;
  try {
    spooled = await spoolSlackFile(client, req.fileId, FILE_KINDS.contactsCsv);
  } catch (error) {
    if (!(error instanceof SlackFileRefused)) throw error;
    await tellPerson(client, req.userId, errorReply(`Not imported: ${error.message} Nothing was imported from it.`));
    return false;
  }
  try {
    const { report, rejectedRows } = await importContactsFile(
      { file: spooled, listName: req.listName, actor: req.userId },
      { contacts: ctx.deps.contacts, contactsFiles: ctx.deps.contactsFiles },
    );
    const rejectedName = rejectedFileName(spooled.info.name);
    const reply = importReportReply(report, JSON.stringify(spooled.info.name), rejectedRows ? { name: rejectedName, rows: rejectedRows.rows } : undefined);
    const dm = await tellPerson(client, req.userId, reply);
    ctx.logger.info('contacts imported from a Slack file', { fileId: spooled.info.id, bytes: spooled.bytes, list: report.list, inserted: report.inserted, updated: report.updated, rejected: report.rejectedCount, actor: req.userId });
    if (rejectedRows) {
      try {
        await shareFile(client, {
          channelId: dm,
          filename: rejectedName,
          title: `Rejected rows of ${spooled.info.name}`,
          content: rejectedRows.content,
          comment: `${rejectedRows.rows} rejected ${rejectedRows.rows === 1 ? 'row' : 'rows'} of ${spooled.info.name}, each after its line and reason.`,
        });
      } catch (error) {
        // The report is out; only the attachment failed (no files:write scope, Slack down).
        ctx.logger.warn('the rejected rows file could not be uploaded', { fileId: spooled.info.id, error: error instanceof Error ? error.message : String(error) });
        await tellPerson(client, req.userId, errorReply(`The file of rejected rows could not be attached (${slackErrorOf(error)}); the report above lists them by line.`));
      }
    }
    return true;
  } catch (error) {
    if (!isAppError(error)) throw error;
    // An unusable header or a deleted list: refused before any row was written.
    await tellPerson(client, req.userId, appErrorReply(error));
    return false;
  } finally {
    await spooled.dispose();
  }
}

/** `contacts.csv` -> `contacts-rejected.csv`, in characters any system takes. */
export function rejectedFileName(name: string): string {
  const base = name.replace(/\.csv$/i, '').replace(/[^A-Za-z0-9._ -]+/g, '_').slice(0, 80) || 'contacts';
  return `${base}-rejected.csv`;
}

function slackErrorOf(error: unknown): string {
  const code = (error as { data?: { error?: string } }).data?.error;
  return code === 'missing_scope' ? 'the app lacks the files:write scope' : code ? `Slack said ${code}` : 'Slack did not take it';
}
