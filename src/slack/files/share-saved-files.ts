import type { webApi } from '@slack/bolt';
import { errorReply, type Reply } from '../../commands/reply.js';
import type { SlackContext } from '../slack-context.js';
import { tellPerson } from './tell-person.js';

/**
 * Uploads the files a command wrote on Herald's disk (an export's CSV) into the person's DM with
 * Herald (filesUploadV2, scope files:write): an ephemeral answer cannot carry a file, and a list of
 * recipients is the person's to share, not the channel's. A failed upload is told in the DM; the
 * file stays on Herald's disk, at the path the answer named.
 */
export async function shareSavedFiles(ctx: Pick<SlackContext, 'logger'>, client: webApi.WebClient, userId: string, reply: Reply): Promise<void> {
  if (!reply.ok || !reply.savedFiles?.length) return;
  // The answer goes to the DM too (posting to the user id opens it, no im:write), then the files under it.
  let dm: string;
  try {
    dm = await tellPerson(client, userId, reply);
  } catch (error) {
    ctx.logger.warn('an export could not be posted to the person', { user: userId, error: error instanceof Error ? error.message : String(error) });
    return;
  }
  for (const file of reply.savedFiles) {
    try {
      await client.filesUploadV2({ channel_id: dm, file: file.path, filename: file.name, title: file.title, initial_comment: file.comment });
    } catch (error) {
      const code = (error as { data?: { error?: string } }).data?.error ?? (error instanceof Error ? error.message : String(error));
      ctx.logger.warn('an export could not be uploaded to Slack', { file: file.name, user: userId, error: code });
      await tellPerson(client, userId, errorReply(`The file ${file.name} could not be uploaded to Slack (${code.slice(0, 200)}); it is kept on Herald's server at ${file.path}.`)).catch(() => undefined);
    }
  }
}
