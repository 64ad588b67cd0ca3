import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call Herald made to Slack: a Web API method (form fields, JSON fields parsed) or a response_url POST. */
export interface SlackCall {
  method: string;
  body: Record<string, any>;
  /** Set when the fake answered 429 (see `rateLimit`) instead of handling the call. */
  rateLimited?: boolean;
}

/**
 * A local stand-in for Slack's Web API and response_url endpoints: answers 200 `{"ok":true,…}`
 * like Slack, records every call, and lets a test await a call instead of sleeping. It also holds
 * files: registered ones are described by files.info and served at their url_private to the bot
 * token; filesUploadV2's three steps store what Herald uploads (`uploads`).
 */
export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  /** Members of each user group, for usergroups.users.list. */
  groups: Record<string, string[]> = {};
  /** The only token url_private serves files to. */
  botToken = 'xoxb-test';
  private readonly files = new Map<string, { file: SlackFileObject; content: Buffer; endless: boolean; contentLength: boolean; servedAs: string | undefined; hold: Promise<void> | undefined }>();
  private readonly pendingUploads = new Map<string, { filename: string; length: number; content: Buffer | null }>();
  private server: http.Server | null = null;
  private waiters: { match: (c: SlackCall) => boolean; resolve: (c: SlackCall) => void }[] = [];
  private seq = 0;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://localhost');
      if (req.method === 'GET' && url.pathname.startsWith('/files-pri/')) return this.serveFile(req, res, url);
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void this.handle(req, res, url, Buffer.concat(chunks));
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  private async handle(req: http.IncomingMessage, res: http.ServerResponse, url: URL, raw: Buffer): Promise<void> {
    const contentType = String(req.headers['content-type'] ?? '');
    if (url.pathname.startsWith('/upload/v1/')) {
      const id = url.pathname.slice('/upload/v1/'.length);
      const pending = this.pendingUploads.get(id);
      const content = await uploadedBytes(raw, contentType);
      if (pending) pending.content = content;
      this.record({ method: 'file.upload', body: { id, bytes: content.length } });
      res.writeHead(pending ? 200 : 404, { 'content-type': 'text/plain' }).end(pending ? `OK - ${content.length}` : 'no such upload');
      return;
    }
    const body = parseBody(raw.toString('utf8'), contentType);
    const method = url.pathname.startsWith('/api/') ? url.pathname.slice(5) : url.pathname.startsWith('/response/') ? 'response' : url.pathname;
    if (method === 'response') body.__url = url.pathname;
    const call = { method, body };
    const retryAfter = this.rateLimitedFor(call);
    if (retryAfter !== null) {
      res.writeHead(429, { 'content-type': 'application/json', 'retry-after': String(retryAfter) });
      res.end(JSON.stringify({ ok: false, error: 'ratelimited' }));
      this.record({ ...call, rateLimited: true });
      return;
    }
    const answer = this.answer(call);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer));
    this.record(call);
  }

  private record(call: SlackCall): void {
    this.calls.push(call);
    for (const w of [...this.waiters]) {
      if (w.match(call)) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(call);
      }
    }
  }

  /**
   * A file someone uploaded to Slack (in a modal's file_input), as files.info describes it: its bytes
   * are served at its url_private to the bot token only. `size` overrides the size Slack declares;
   * `endless` serves bytes until the client hangs up (to prove a download stops at its limit);
   * `contentLength: false` sends no Content-Length; `hold` delays the bytes until it resolves.
   */
  addFile(input: { name: string; content?: string | Buffer; filetype?: string; mimetype?: string; size?: number; endless?: boolean; contentLength?: boolean; servedAs?: string; urlPrivate?: string; hold?: Promise<void> }): SlackFileObject {
    const id = `F${String(++this.seq).padStart(8, '0')}`;
    const content = typeof input.content === 'string' ? Buffer.from(input.content, 'utf8') : (input.content ?? Buffer.alloc(0));
    const url = input.urlPrivate ?? `http://127.0.0.1:${this.port}/files-pri/T1-${id}/${encodeURIComponent(input.name)}`;
    const file: SlackFileObject = {
      id,
      name: input.name,
      title: input.name,
      filetype: input.filetype ?? guessFiletype(input.name),
      mimetype: input.mimetype ?? guessMimetype(input.name),
      size: input.size ?? content.length,
      url_private: url,
      url_private_download: input.urlPrivate ?? `${url}?download=1`,
    };
    this.files.set(id, { file, content, endless: input.endless ?? false, contentLength: input.contentLength ?? true, servedAs: input.servedAs, hold: input.hold });
    return file;
  }

  /** Bytes the fake wrote for each download of a file (an endless file shows where the client hung up). */
  readonly downloads: { id: string; authorized: boolean; bytesSent: number; closed: Promise<void> }[] = [];

  /** How many files.info calls about an upload say it is still being processed (no mimetype yet). */
  uploadProcessingChecks = 0;
  private readonly infoChecks = new Map<string, number>();

  /** Files Herald uploaded and shared (filesUploadV2 completed), with their bytes. */
  readonly uploads: { id: string; filename: string; title: string; channelId: string; comment: string; content: Buffer }[] = [];

  private serveFile(req: http.IncomingMessage, res: http.ServerResponse, url: URL): void {
    const id = /^\/files-pri\/T1-(F\d+)\//.exec(url.pathname)?.[1] ?? '';
    const stored = this.files.get(id);
    const authorized = req.headers.authorization === `Bearer ${this.botToken}`;
    let resolveClosed!: () => void;
    const record = { id, authorized, bytesSent: 0, closed: new Promise<void>((r) => (resolveClosed = r)) };
    this.downloads.push(record);
    res.on('close', () => resolveClosed());
    this.record({ method: 'file.download', body: { id, authorized } });
    if (!stored) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('file_not_found');
    // Like Slack: a request without the bot token is sent to the sign-in page.
    if (!authorized) return void res.writeHead(302, { location: `http://127.0.0.1:${this.port}/signin` }).end();
    if (stored.hold) return void stored.hold.then(() => this.writeFile(res, stored, record));
    this.writeFile(res, stored, record);
  }

  private writeFile(res: http.ServerResponse, stored: { file: SlackFileObject; content: Buffer; endless: boolean; contentLength: boolean; servedAs: string | undefined }, record: { bytesSent: number }): void {
    const headers: Record<string, string> = { 'content-type': stored.servedAs ?? stored.file.mimetype };
    if (stored.contentLength && !stored.endless) headers['content-length'] = String(stored.content.length);
    res.writeHead(200, headers);
    if (!stored.endless) {
      record.bytesSent = stored.content.length;
      return void res.end(stored.content);
    }
    const chunk = Buffer.alloc(16 * 1024, 'a,b\n');
    const pump = () => {
      while (!res.destroyed && res.write(chunk)) record.bytesSent += chunk.length;
      if (!res.destroyed) {
        record.bytesSent += chunk.length;
        res.once('drain', pump);
      }
    };
    pump();
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api/`;
  }

  /** A response_url that lands here, named so a test can find its replies. */
  responseUrl(name: string = crypto.randomUUID()): string {
    return `http://127.0.0.1:${this.port}/response/${name}`;
  }

  callsOf(method: string): SlackCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  responsesTo(url: string): SlackCall[] {
    return this.calls.filter((c) => c.method === 'response' && `http://127.0.0.1:${this.port}${c.body.__url}` === url);
  }

  last(method: string): SlackCall | undefined {
    return this.callsOf(method).at(-1);
  }

  clear(): void {
    this.calls.length = 0;
  }

  /** Resolves at the next call matching `match` (or at once if one was already recorded and `past` is set). */
  waitFor(match: (c: SlackCall) => boolean, past = true): Promise<SlackCall> {
    const seen = past ? this.calls.find(match) : undefined;
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.waiters.push({ match, resolve }));
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  // --- Rate limits and deleted messages (channel posting: activity threads, alerts) ---

  private readonly rateLimits: { method: string; channel: string | undefined; retryAfter: number; times: number }[] = [];
  private readonly deletedMessages = new Set<string>();

  /**
   * The next `times` calls of `method` (in `channel` when given) are answered HTTP 429 with
   * `Retry-After: retryAfter` seconds, as Slack does past a method's rate tier.
   */
  rateLimit(method: string, options: { channel?: string; retryAfter?: number; times?: number } = {}): void {
    this.rateLimits.push({ method, channel: options.channel, retryAfter: options.retryAfter ?? 30, times: options.times ?? 1 });
  }

  /** Someone deleted this message in Slack: chat.update answers message_not_found, a reply in its thread thread_not_found. */
  deleteMessage(channel: string, ts: string): void {
    this.deletedMessages.add(`${channel}/${ts}`);
  }

  private rateLimitedFor(call: SlackCall): number | null {
    const rule = this.rateLimits.find((r) => r.times > 0 && r.method === call.method && (r.channel === undefined || r.channel === String(call.body.channel)));
    if (!rule) return null;
    rule.times -= 1;
    return rule.retryAfter;
  }

  private refusal(call: SlackCall): Record<string, unknown> | null {
    const channel = String(call.body.channel);
    if (call.method === 'chat.update' && this.deletedMessages.has(`${channel}/${String(call.body.ts)}`)) return { ok: false, error: 'message_not_found' };
    if (call.method === 'chat.postMessage' && call.body.thread_ts && this.deletedMessages.has(`${channel}/${String(call.body.thread_ts)}`)) return { ok: false, error: 'thread_not_found' };
    return null;
  }

  private answer(call: SlackCall): Record<string, unknown> {
    this.seq += 1;
    const refused = this.refusal(call);
    if (refused) return refused;
    switch (call.method) {
      case 'auth.test':
        return { ok: true, user_id: 'UHERALD', bot_id: 'BHERALD', team_id: 'T1' };
      case 'usergroups.users.list':
        return { ok: true, users: this.groups[String(call.body.usergroup)] ?? [] };
      case 'views.open':
      case 'views.update':
      case 'views.push':
        return { ok: true, view: { id: `V${this.seq}`, ...(call.body.view ?? {}) } };
      case 'views.publish':
        return { ok: true, view: { id: `VH${this.seq}` } };
      case 'chat.postMessage':
        // Posting to a user id lands in the app's DM with them, whose id Slack answers.
        return { ok: true, channel: dmChannelOf(String(call.body.channel)), ts: `1700000000.${String(this.seq).padStart(6, '0')}` };
      case 'files.info': {
        const stored = this.files.get(String(call.body.file));
        if (stored) return { ok: true, file: stored.file };
        const uploaded = this.uploads.find((u) => u.id === String(call.body.file));
        if (!uploaded) return { ok: false, error: 'file_not_found' };
        // Like Slack, an upload is processed after completeUploadExternal answers: no type until then.
        const checks = (this.infoChecks.get(uploaded.id) ?? 0) + 1;
        this.infoChecks.set(uploaded.id, checks);
        const processing = checks <= this.uploadProcessingChecks;
        return { ok: true, file: { id: uploaded.id, name: uploaded.filename, title: uploaded.title, size: uploaded.content.length, filetype: processing ? '' : guessFiletype(uploaded.filename), mimetype: processing ? '' : guessMimetype(uploaded.filename) } };
      }
      case 'files.getUploadURLExternal': {
        const id = `FUP${String(this.seq).padStart(6, '0')}`;
        this.pendingUploads.set(id, { filename: String(call.body.filename), length: Number(call.body.length), content: null });
        return { ok: true, upload_url: `http://127.0.0.1:${this.port}/upload/v1/${id}`, file_id: id };
      }
      case 'files.completeUploadExternal': {
        const files = (typeof call.body.files === 'string' ? JSON.parse(call.body.files) : call.body.files) as { id: string; title?: string }[];
        for (const f of files) {
          const pending = this.pendingUploads.get(f.id);
          if (!pending?.content) return { ok: false, error: 'file_not_found' };
          this.uploads.push({ id: f.id, filename: pending.filename, title: f.title ?? pending.filename, channelId: String(call.body.channel_id ?? ''), comment: String(call.body.initial_comment ?? ''), content: pending.content });
        }
        return { ok: true, files: files.map((f) => ({ id: f.id, title: f.title })) };
      }
      case 'chat.update':
        return { ok: true, channel: call.body.channel, ts: call.body.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `1700000001.${String(this.seq).padStart(6, '0')}` };
      default:
        return { ok: true };
    }
  }
}

/** A file object as Slack's files.info and a file_input's state describe it (the fields Herald reads). */
export interface SlackFileObject {
  id: string;
  name: string;
  title: string;
  filetype: string;
  mimetype: string;
  size: number;
  url_private: string;
  url_private_download: string;
}

function dmChannelOf(channel: string): string {
  return /^U[A-Z0-9]+$/.test(channel) ? `D${channel.slice(1)}` : channel;
}

function guessFiletype(name: string): string {
  const ext = name.split('.').pop()?.toLowerCase() ?? '';
  return ext === 'txt' ? 'text' : ext === 'htm' ? 'html' : ext || 'binary';
}

function guessMimetype(name: string): string {
  const types: Record<string, string> = { csv: 'text/csv', txt: 'text/plain', html: 'text/html', htm: 'text/html', png: 'image/png', xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' };
  return types[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';
}

/** The bytes of filesUploadV2's POST to the upload URL: a multipart form with the file as its one part. */
async function uploadedBytes(raw: Buffer, contentType: string): Promise<Buffer> {
  if (!contentType.startsWith('multipart/form-data')) return raw;
  const form = await new Response(raw, { headers: { 'content-type': contentType } }).formData();
  for (const [, value] of form) if (typeof value !== 'string') return Buffer.from(await value.arrayBuffer());
  return Buffer.alloc(0);
}

function parseBody(raw: string, contentType: string): Record<string, any> {
  if (!raw) return {};
  if (contentType.includes('application/json')) return JSON.parse(raw) as Record<string, any>;
  const out: Record<string, any> = {};
  for (const [k, v] of new URLSearchParams(raw)) {
    out[k] = ['blocks', 'view', 'attachments'].includes(k) && (v.startsWith('{') || v.startsWith('[')) ? safeJson(v) : v;
  }
  return out;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
