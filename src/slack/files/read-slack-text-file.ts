import type { webApi } from '@slack/bolt';
import { fetchSlackFile, type SlackFileInfo } from './fetch-slack-file.js';
import type { FileKind } from './file-kinds.js';

/**
 * A small Slack text file (a template body) as a string: downloaded and checked by fetchSlackFile,
 * so it is held in memory only up to the kind's limit. A leading byte-order mark is dropped.
 */
export async function readSlackTextFile(client: webApi.WebClient, fileId: string, kind: FileKind): Promise<{ info: SlackFileInfo; text: string }> {
  const download = await fetchSlackFile(client, fileId, kind);
  const chunks: Uint8Array[] = [];
  for await (const chunk of download.chunks) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  return { info: download.info, text: text.startsWith('\uFEFF') ? text.slice(1) : text };
}
