import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { webApi } from '@slack/bolt';
import type { RereadableBytes } from '../../domain/ports/contacts-file-format.js';
import { fetchSlackFile, type SlackFileInfo } from './fetch-slack-file.js';
import type { FileKind } from './file-kinds.js';

/** A Slack file downloaded whole and checked, on local disk until disposed. */
export interface SpooledFile extends RereadableBytes {
  info: SlackFileInfo;
  /** Bytes received (what Slack served, not what it declared). */
  bytes: number;
  dispose(): Promise<void>;
}

/**
 * Downloads a Slack file into a private temporary file, checking it on the way (fetchSlackFile),
 * before anything reads it: a file that turns out too large or not text at its last byte is
 * refused with nothing imported, and the import then reads from disk at its own pace rather than
 * holding Slack's connection open. Disk use is bounded by the kind's limit; memory by one chunk.
 */
export async function spoolSlackFile(client: webApi.WebClient, fileId: string, kind: FileKind): Promise<SpooledFile> {
  const download = await fetchSlackFile(client, fileId, kind);
  const dir = await fs.promises.mkdtemp(path.join(os.tmpdir(), 'herald-upload-'));
  const file = path.join(dir, 'file');
  const dispose = () => fs.promises.rm(dir, { recursive: true, force: true });
  let bytes = 0;
  try {
    await pipeline(
      Readable.from(download.chunks, { objectMode: false }).on('data', (chunk: Buffer) => (bytes += chunk.length)),
      fs.createWriteStream(file, { mode: 0o600, flags: 'wx' }),
    );
  } catch (error) {
    await dispose();
    throw error;
  }
  return {
    info: download.info,
    bytes,
    open: () => fs.createReadStream(file),
    dispose,
  };
}
