import type { RespondFn, webApi } from '@slack/bolt';
import type { Reply } from '../commands/reply.js';
import { messageFor } from './blocks/campaign-card.js';
import type { SlackMessage } from './blocks/reply-blocks.js';
import type { Origin } from './open-modals.js';

/** A refusal or error: only the person who clicked sees it, and the card stays as it was. */
export async function respondPrivately(respond: RespondFn, reply: Reply, message: SlackMessage = messageFor(reply)): Promise<void> {
  const m = message;
  await respond({ response_type: 'ephemeral', replace_original: false, text: m.text, blocks: m.blocks });
}

/** The card after an action: the same message is replaced, so the channel sees one current card. */
export async function replaceCard(respond: RespondFn, reply: Reply): Promise<void> {
  const m = messageFor(reply);
  await respond({ replace_original: true, text: m.text, blocks: m.blocks });
}

/**
 * Where a modal's result goes: the card it came from is updated in place when it is a channel
 * message; otherwise the person gets it privately in the channel, or in the app's DM.
 */
export async function postResult(client: webApi.WebClient, userId: string, origin: Origin, reply: Reply, options: { updateCard: boolean }): Promise<void> {
  const m = messageFor(reply);
  if (options.updateCard && reply.ok && origin.channelId && origin.messageTs) {
    try {
      await client.chat.update({ channel: origin.channelId, ts: origin.messageTs, text: m.text, blocks: m.blocks });
      return;
    } catch {
      // Ephemeral cards cannot be updated through chat.update; fall through to a private reply.
    }
  }
  if (origin.channelId) {
    try {
      await client.chat.postEphemeral({ channel: origin.channelId, user: userId, text: m.text, blocks: m.blocks });
      return;
    } catch {
      // Not in that channel (or it is gone): the app's DM always works.
    }
  }
  await client.chat.postMessage({ channel: userId, text: m.text, blocks: m.blocks });
}

/**
 * A modal's answer said where the typed command would say it: a reply meant for the channel (a
 * change everyone should see, such as a link edit) is posted there; when Herald cannot post in
 * that channel, or the reply is private, it goes to the person as postResult sends it.
 */
export async function postAnswer(client: webApi.WebClient, userId: string, origin: Origin, reply: Reply): Promise<void> {
  if (reply.ok && reply.visibility === 'in_channel' && origin.channelId) {
    const m = messageFor(reply);
    try {
      await client.chat.postMessage({ channel: origin.channelId, text: m.text, blocks: m.blocks });
      return;
    } catch {
      // Not a member of that channel (or it is gone): the person still hears it.
    }
  }
  await postResult(client, userId, origin, reply, { updateCard: false });
}
