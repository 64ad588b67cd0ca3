import type { webApi } from '@slack/bolt';

/**
 * Posts a file Herald made into a conversation (filesUploadV2: files.getUploadURLExternal, the
 * bytes to the URL Slack gives, then files.completeUploadExternal with the channel), under a
 * comment. Needs the files:write scope; `channelId` must be a channel id (a DM's D…, not a user id).
 */
export async function shareFile(
  client: webApi.WebClient,
  input: { channelId: string; filename: string; title: string; content: string; comment: string },
): Promise<void> {
  await client.filesUploadV2({
    channel_id: input.channelId,
    file: Buffer.from(input.content, 'utf8'),
    filename: input.filename,
    title: input.title,
    initial_comment: input.comment,
  });
}
