import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

/** One call Herald made to Slack: a Web API method (form fields, JSON fields parsed) or a response_url POST. */
export interface SlackCall {
  method: string;
  body: Record<string, any>;
}

/**
 * A local stand-in for Slack's Web API and response_url endpoints: answers 200 `{"ok":true,…}`
 * like Slack, records every call, and lets a test await a call instead of sleeping.
 */
export class FakeSlackApi {
  readonly calls: SlackCall[] = [];
  /** Members of each user group, for usergroups.users.list. */
  groups: Record<string, string[]> = {};
  private server: http.Server | null = null;
  private waiters: { match: (c: SlackCall) => boolean; resolve: (c: SlackCall) => void }[] = [];
  private seq = 0;
  port = 0;

  async start(): Promise<void> {
    this.server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        const url = new URL(req.url ?? '/', 'http://localhost');
        const body = parseBody(raw, String(req.headers['content-type'] ?? ''));
        const method = url.pathname.startsWith('/api/') ? url.pathname.slice(5) : url.pathname.startsWith('/response/') ? 'response' : url.pathname;
        if (method === 'response') body.__url = url.pathname;
        const call = { method, body };
        this.calls.push(call);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(this.answer(call)));
        for (const w of [...this.waiters]) {
          if (w.match(call)) {
            this.waiters.splice(this.waiters.indexOf(w), 1);
            w.resolve(call);
          }
        }
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
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

  private answer(call: SlackCall): Record<string, unknown> {
    this.seq += 1;
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
        return { ok: true, channel: call.body.channel, ts: `1700000000.${String(this.seq).padStart(6, '0')}` };
      case 'chat.update':
        return { ok: true, channel: call.body.channel, ts: call.body.ts };
      case 'chat.postEphemeral':
        return { ok: true, message_ts: `1700000001.${String(this.seq).padStart(6, '0')}` };
      default:
        return { ok: true };
    }
  }
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
