import type { webApi } from '@slack/bolt';
import type { Reply } from '../../commands/reply.js';
import { messageFor } from '../blocks/campaign-card.js';

/**
 * Posts a result into the person's DM with Herald (chat.postMessage to the user id opens it) and
 * answers that DM's channel id (D…), where files can then be shared: an ephemeral message cannot
 * carry a file, and the DM keeps the report for later.
 */
export async function tellPerson(client: webApi.WebClient, userId: string, reply: Reply): Promise<string> {
  const m = messageFor(reply);
  const posted = await client.chat.postMessage({ channel: userId, text: m.text, blocks: m.blocks });
  return typeof posted.channel === 'string' ? posted.channel : userId;
}
