import type { webApi } from '@slack/bolt';
import { errorReply } from '../../commands/reply.js';
import { buildUploadCommand } from '../../commands/upload-commands.js';
import { runCommand } from '../run-command.js';
import type { SlackContext } from '../slack-context.js';
import { FILE_KINDS } from './file-kinds.js';
import { shareFile } from './share-file.js';
import { SlackFileRefused } from './slack-file-refused.js';
import { spoolSlackFile, type SpooledFile } from './spool-slack-file.js';
import { tellPerson } from './tell-person.js';

export { rejectedFileName } from '../../commands/upload-commands.js';

export interface SlackContactsImport {
  userId: string;
  fileId: string;
  listName: string;
}

/**
 * Runs an import the person asked for in Slack (request already acknowledged): the file is
 * downloaded and checked whole (spoolSlackFile), then the typed `contacts upload` command runs
 * through the command layer's entry point (role re-checked there), which imports it with the same
 * importer as `contacts import`; the report goes to the person's DM with the files it carries (the
 * rejected rows as a CSV). Every outcome is told to the person; a refused file imports nothing.
 * Answers whether the import ran.
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
    const command = buildUploadCommand('contacts upload', { list: req.listName, fileName: spooled.info.name, file: spooled });
    const { reply, skipped } = await runCommand(ctx, command, req.userId);
    const dm = await tellPerson(client, req.userId, reply);
    // Refused before any row was written (no role, an unusable header, a deleted list): nothing ran.
    if (skipped || reply.problem) return false;
    ctx.logger.info('contacts imported from a Slack file', { fileId: spooled.info.id, bytes: spooled.bytes, list: req.listName, rejectedFile: (reply.files?.length ?? 0) > 0, actor: req.userId });
    for (const file of reply.files ?? []) {
      try {
        await shareFile(client, { channelId: dm, filename: file.name, title: file.title, content: file.content, comment: file.comment });
      } catch (error) {
        // The report is out; only the attachment failed (no files:write scope, Slack down).
        ctx.logger.warn('the rejected rows file could not be uploaded', { fileId: spooled.info.id, error: error instanceof Error ? error.message : String(error) });
        await tellPerson(client, req.userId, errorReply(`The file of rejected rows could not be attached (${slackErrorOf(error)}); the report above lists them by line.`));
      }
    }
    return true;
  } finally {
    await spooled.dispose();
  }
}

function slackErrorOf(error: unknown): string {
  const code = (error as { data?: { error?: string } }).data?.error;
  return code === 'missing_scope' ? 'the app lacks the files:write scope' : code ? `Slack said ${code}` : 'Slack did not take it';
}
