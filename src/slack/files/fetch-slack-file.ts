import type { webApi } from '@slack/bolt';
import { formatBytes, type FileKind } from './file-kinds.js';
import { SlackFileRefused } from './slack-file-refused.js';
import { TextCheck, type TextProblem } from './text-check.js';

/** What Slack says about a file (files.info), the only source of its type, size and address. */
export interface SlackFileInfo {
  id: string;
  name: string;
  filetype: string;
  mimetype: string;
  size: number;
}

export interface SlackFileDownload {
  info: SlackFileInfo;
  /** The file's bytes, each chunk checked as text; throws SlackFileRefused past the limit or at the first bad byte. */
  chunks: AsyncGenerator<Uint8Array, void, undefined>;
}

/** A download that has not finished by then is abandoned (a 50 MB file takes seconds). */
const DOWNLOAD_TIMEOUT_MS = 120_000;
const FILE_ID = /^F[A-Z0-9]{2,30}$/;

/**
 * Opens a Slack file for reading as `kind`, trusting nothing in it:
 * - its type and size come from Slack (files.info), and both are checked before a byte is read;
 * - its bytes come from its url_private with the bot token, which is only ever sent to Slack's own
 *   file host (derived from the Web API client's base URL, so tests reach the local fake), with no
 *   redirect followed: a redirect is Slack's sign-in page, not the file;
 * - the body is read as a stream and stops at `kind.maxBytes` (a wrong Content-Length or none at
 *   all changes nothing), and each chunk is checked to be UTF-8 text with no NUL byte.
 */
export async function fetchSlackFile(client: webApi.WebClient, fileId: string, kind: FileKind, options: { timeoutMs?: number } = {}): Promise<SlackFileDownload> {
  if (!FILE_ID.test(fileId)) throw new SlackFileRefused('not_found', 'That upload is not a Slack file id.');
  const { info, address } = await fileInfo(client, fileId);
  // Plain text: the edge that shows it escapes it for Slack.
  const name = JSON.stringify(info.name);
  checkType(info, kind, name);
  if (info.size > kind.maxBytes) throw tooLarge(kind, name, info.size);
  const url = downloadUrl(client, address);
  const token = client.token;
  if (!token) throw new Error('the Slack client has no bot token to download files with');

  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(new Error('download timed out')), options.timeoutMs ?? DOWNLOAD_TIMEOUT_MS);
  let response: Response;
  try {
    response = await fetch(url, { headers: { authorization: `Bearer ${token}` }, redirect: 'manual', signal: abort.signal });
  } catch (error) {
    clearTimeout(timer);
    throw new SlackFileRefused('unreadable', `Herald could not download ${name} from Slack (${error instanceof Error ? error.message : String(error)}); try again in a moment.`);
  }
  const fail = (error: SlackFileRefused): never => {
    clearTimeout(timer);
    abort.abort();
    throw error;
  };
  if (response.status >= 300 && response.status < 400) {
    fail(new SlackFileRefused('unreadable', `Slack did not hand over ${name} (it redirected the download, as it does without the files:read scope): ask a Herald admin to reinstall the app from manifest.yml.`));
  }
  if (response.status !== 200 || !response.body) fail(new SlackFileRefused('unreadable', `Slack answered ${response.status} when Herald downloaded ${name}; try again in a moment.`));
  if (!kind.html && /^text\/html/i.test(response.headers.get('content-type') ?? '')) {
    fail(new SlackFileRefused('unreadable', `Slack answered with a web page instead of ${name} (its sign-in page, without the files:read scope): ask a Herald admin to reinstall the app from manifest.yml.`));
  }
  const declared = Number(response.headers.get('content-length') ?? NaN);
  if (Number.isFinite(declared) && declared > kind.maxBytes) fail(tooLarge(kind, name, declared));

  const body = response.body!;
  async function* chunks(): AsyncGenerator<Uint8Array, void, undefined> {
    const reader = body.getReader();
    const check = new TextCheck();
    let read = 0;
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        read += value.byteLength;
        if (read > kind.maxBytes) throw tooLarge(kind, name, null);
        const problem = check.push(value);
        if (problem) throw notText(kind, name, problem);
        yield value;
      }
      const problem = check.end();
      if (problem) throw notText(kind, name, problem);
    } catch (error) {
      if (error instanceof SlackFileRefused) throw error;
      throw new SlackFileRefused('unreadable', `The download of ${name} from Slack broke off (${error instanceof Error ? error.message : String(error)}); try again in a moment.`);
    } finally {
      clearTimeout(timer);
      // Stops the transfer when reading ends early (a refusal, or the consumer gave up).
      await reader.cancel().catch(() => {});
      abort.abort();
    }
  }
  return { info, chunks: chunks() };
}

async function fileInfo(client: webApi.WebClient, fileId: string): Promise<{ info: SlackFileInfo; address: string }> {
  let file: Record<string, unknown> | undefined;
  try {
    file = (await client.files.info({ file: fileId })).file as Record<string, unknown> | undefined;
  } catch (error) {
    const code = (error as { data?: { error?: string } }).data?.error;
    if (code === 'file_not_found' || code === 'file_deleted') throw new SlackFileRefused('not_found', 'The uploaded file is gone from Slack (deleted?); upload it again.');
    if (code === 'missing_scope' || code === 'not_allowed_token_type') {
      throw new SlackFileRefused('unreadable', 'Herald may not read files in this workspace (the app lacks the files:read scope): ask a Herald admin to reinstall it from manifest.yml.');
    }
    throw error;
  }
  if (!file || typeof file.id !== 'string') throw new SlackFileRefused('not_found', 'Slack did not describe the uploaded file; upload it again.');
  const text = (value: unknown) => (typeof value === 'string' ? value : '');
  return {
    info: {
      id: file.id,
      name: text(file.name) || file.id,
      filetype: text(file.filetype),
      mimetype: text(file.mimetype),
      // A file without a size is treated as too large rather than as small.
      size: typeof file.size === 'number' ? file.size : Number.POSITIVE_INFINITY,
    },
    address: text(file.url_private_download) || text(file.url_private),
  };
}

function checkType(info: SlackFileInfo, kind: FileKind, name: string): void {
  const mimetype = info.mimetype.split(';')[0]!.trim().toLowerCase();
  if (!kind.filetypes.includes(info.filetype) || !kind.mimetypes.includes(mimetype)) {
    throw new SlackFileRefused(
      'wrong_type',
      `${name} is not ${kind.expected}: Slack sees it as ${info.filetype || 'an unknown type'}${mimetype ? ` (${mimetype})` : ''}. Upload ${kind.expected} as the ${kind.label}.`,
    );
  }
}

/**
 * Where the bytes are fetched from: only Slack's file host gets the bot token. With Slack's own API
 * (https://slack.com/api/) that is files.slack.com (or slack.com itself); with another base URL (a
 * Slack-compatible gateway, the tests' fake) its host and its `files.` host.
 */
function downloadUrl(client: webApi.WebClient, raw: string): string {
  const api = new URL(client.slackApiUrl);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new SlackFileRefused('unreadable', 'Slack gave no download address for the uploaded file; upload it again.');
  }
  const hosts = [api.hostname, `files.${api.hostname}`];
  const sameScheme = url.protocol === api.protocol && (url.protocol === 'https:' || api.protocol === 'http:');
  const samePort = url.hostname !== api.hostname || url.port === api.port;
  if (!sameScheme || !hosts.includes(url.hostname) || !samePort || url.username || url.password) {
    throw new SlackFileRefused('unreadable', `The uploaded file's address is not on Slack's file host (${url.host}); Herald does not send its token there.`);
  }
  return url.toString();
}

function tooLarge(kind: FileKind, name: string, size: number | null): SlackFileRefused {
  return new SlackFileRefused(
    'too_large',
    `${name} is ${size === null ? 'larger than' : `${formatBytes(size)}, over`} the ${formatBytes(kind.maxBytes)} limit for ${/^(html|[aeiou])/i.test(kind.label) ? 'an' : 'a'} ${kind.label}: Herald stopped reading it.${kind.tooLargeHint ? ` ${kind.tooLargeHint}` : ''}`,
  );
}

function notText(kind: FileKind, name: string, problem: TextProblem): SlackFileRefused {
  const where = `line ${problem.line} (byte ${problem.offset + 1})`;
  const why =
    problem.kind === 'utf16'
      ? 'is saved as UTF-16 ("Unicode text")'
      : problem.kind === 'nul'
        ? `holds a NUL byte at ${where}, which no text file has: it is a binary file (a spreadsheet, an archive?) or UTF-16 text`
        : problem.kind === 'truncated_utf8'
          ? 'ends in the middle of a character: it is not valid UTF-8 (cut off, or in another encoding)'
          : `is not valid UTF-8 at ${where}: it is probably saved in another encoding (Windows-1252, Latin-1, Mac Roman)`;
  return new SlackFileRefused('not_text', `${name} ${why}. Save it as ${kind.expected}${kind.saveHint ? ` (${kind.saveHint})` : ''} and upload it again.`);
}
