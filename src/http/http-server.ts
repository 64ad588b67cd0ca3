import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../domain/ports/clock.js';
import type { ReceiptSink } from '../domain/ports/receipt-sink.js';
import type { SuppressionStore } from '../domain/ports/suppression-store.js';
import type { TokenSigner } from '../domain/ports/token-signer.js';
import type { UnsubscribeRecorder } from '../domain/ports/unsubscribe-recorder.js';
import { BodyTooLargeError, DEFAULT_MAX_BODY_BYTES, rawHeader } from './request-body.js';
import { sendText } from './reply.js';
import type { HttpLogger, HttpRoute, RouteParams } from './route.js';
import { chartRoute } from './routes/chart.js';
import { healthRoute, type HealthCheck } from './routes/health.js';
import { metricsRoute, type MetricsScrape } from './routes/metrics.js';
import { twilioInboundRoute } from './routes/twilio-inbound.js';
import { twilioStatusRoute, type SmsStatusMapper } from './routes/twilio-status.js';
import { unsubscribePageRoute, unsubscribeRoute } from './routes/unsubscribe.js';
import { clickRoute, openPixelRoute } from './routes/tracking.js';
import type { LinkStore } from '../domain/ports/link-store.js';
import type { Hit } from '../domain/tracking/classify-hit.js';

export type { HttpLogger, HttpRoute, RouteHandler, RouteParams } from './route.js';

/** The ports the edge calls; adapters arrive here from wiring, never imported. */
export interface HttpServerDeps {
  clock: Clock;
  receipts: ReceiptSink;
  suppressions: SuppressionStore;
  unsubscribes: UnsubscribeRecorder;
  signer: TokenSigner;
  /** Each dependency's check by name (the database, …); absent: /healthz only says the process is up. */
  health?: Record<string, HealthCheck>;
  /** Open pixel and click redirects: the links stored at rendering, and where hits go (a buffer); absent: no such routes. */
  tracking?: { links: LinkStore; record(hit: Hit): void };
  /** `GET /metrics` (Prometheus text); absent: no such route. */
  metrics?: MetricsScrape;
  log?: HttpLogger;
}

export interface HttpServerOptions {
  /** The URL Twilio and recipients reach us at (signatures are computed over it); null: the Host header. */
  publicBaseUrl: string | null;
  /** Twilio webhooks are mounted only with Twilio configured (they cannot be verified otherwise). */
  twilio: { authToken: string; mapStatus: SmsStatusMapper; helpText?: string } | null;
  /** Tried before Herald's own routes (the Slack app's `POST /slack/events`); they read their own bodies. */
  extraRoutes?: HttpRoute[];
  maxBodyBytes?: number;
}

export interface HttpServerHandle {
  server: http.Server;
  listen(port: number, host: string): Promise<{ port: number }>;
  close(): Promise<void>;
}

const SILENT: HttpLogger = { info: () => {}, warn: () => {}, error: () => {} };

/** Herald's HTTP edge: health, Twilio webhooks and unsubscribe, plus routes mounted from outside. */
export function createHttpServer(deps: HttpServerDeps, options: HttpServerOptions): HttpServerHandle {
  const log = deps.log ?? SILENT;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const own: HttpRoute[] = [healthRoute({ checks: deps.health ?? {}, log })];
  if (deps.metrics) own.push(metricsRoute(deps.metrics, log));
  if (options.twilio) {
    const common = { log, authToken: options.twilio.authToken, publicBaseUrl: options.publicBaseUrl, maxBodyBytes };
    own.push(twilioStatusRoute({ ...common, receipts: deps.receipts, mapStatus: options.twilio.mapStatus, clock: deps.clock }));
    own.push(twilioInboundRoute({ ...common, suppressions: deps.suppressions, helpText: options.twilio.helpText }));
  }
  const unsubscribeDeps = { signer: deps.signer, unsubscribes: deps.unsubscribes, clock: deps.clock, log, maxBodyBytes };
  own.push(unsubscribePageRoute(unsubscribeDeps), unsubscribeRoute(unsubscribeDeps));
  // QuickChart-compatible, so the embedded default draws its own charts offline (QUICKCHART_URL unset).
  own.push(chartRoute({ log }));
  if (deps.tracking) {
    const trackingDeps = { signer: deps.signer, clock: deps.clock, log, ...deps.tracking };
    own.push(openPixelRoute(trackingDeps), clickRoute(trackingDeps));
  }
  const routes = [...(options.extraRoutes ?? []), ...own].map(compile);

  const server = http.createServer((req, res) => dispatch(routes, req, res, maxBodyBytes, log));

  return {
    server,
    listen: (port, host) =>
      new Promise((resolve, reject) => {
        const onError = (error: Error) => reject(error);
        server.once('error', onError);
        server.listen(port, host, () => {
          server.off('error', onError);
          resolve({ port: (server.address() as AddressInfo).port });
        });
      }),
    close: () =>
      new Promise((resolve, reject) => {
        if (!server.listening) return resolve();
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeIdleConnections();
      }),
  };
}

interface CompiledRoute {
  route: HttpRoute;
  /** The route's path split at '/' once. */
  parts: string[];
  /** For each segment, the parameter's name (`:name`), else null. */
  names: (string | null)[];
}

function compile(route: HttpRoute): CompiledRoute {
  const parts = route.path.split('/');
  return { route, parts, names: parts.map((p) => (p.startsWith(':') ? p.slice(1) : null)) };
}

/** The route's parameters if the request path's segments (split once per request) fit it. */
function match({ parts, names }: CompiledRoute, given: readonly string[]): RouteParams | null {
  if (given.length !== parts.length) return null;
  let params: RouteParams | null = null;
  for (let i = 0; i < parts.length; i++) {
    const name = names[i];
    const got = given[i]!;
    if (name) {
      if (got === '') return null;
      try {
        // Most segments (tokens) have no escapes: no decoding, no new string.
        (params ??= {})[name] = got.includes('%') ? decodeURIComponent(got) : got;
      } catch {
        return null;
      }
    } else if (parts[i] !== got) return null;
  }
  return params ?? {};
}

/**
 * A path of plain segments (letters, digits, `-._~`, none of them `.` or `..`, the first not empty) is its own pathname:
 * the WHATWG parser would return it unchanged, so it is not parsed (the tracking routes' paths are
 * all like this). Anything else (a query, escapes, dot segments, backslashes) goes through `URL`.
 */
const PLAIN_PATH = /^\/(?:(?!\.\.?(?:\/|$))[A-Za-z0-9_.~-]+(?:\/(?!\.\.?(?:\/|$))[A-Za-z0-9_.~-]*)*)?$/;

function pathnameOf(url: string): string | null {
  if (PLAIN_PATH.test(url)) return url;
  try {
    return new URL(url, 'http://localhost').pathname;
  } catch {
    return null;
  }
}

/**
 * One request: the first route whose path fits and whose method matches answers it. A synchronous
 * handler (the open pixel) is answered in the same tick with no promise made for it; a handler's
 * failure, thrown or rejected, is a 500 (or a 413 for a body too large).
 */
function dispatch(routes: CompiledRoute[], req: http.IncomingMessage, res: http.ServerResponse, maxBodyBytes: number, log: HttpLogger): void {
  const method = req.method ?? 'GET';
  const pathname = pathnameOf(req.url ?? '/');
  if (pathname === null) return sendText(res, 400, 'Bad Request');
  try {
    const length = rawHeader(req, 'content-length');
    if (length !== undefined) {
      const declared = Number(length);
      if (Number.isFinite(declared) && declared > maxBodyBytes) return refuseTooLarge(res);
    }
    const given = pathname.split('/');
    let allowed: string[] | null = null;
    for (const compiled of routes) {
      const params = match(compiled, given);
      if (!params) continue;
      const { route } = compiled;
      if (route.method === method || (method === 'HEAD' && route.method === 'GET')) {
        const answered = route.handler(req, res, params);
        if (answered) answered.catch((error: unknown) => fail(res, log, method, pathname, error));
        return;
      }
      (allowed ??= []).push(route.method);
    }
    if (allowed) {
      res.setHeader('allow', [...new Set(allowed)].join(', '));
      return sendText(res, 405, 'Method Not Allowed');
    }
    sendText(res, 404, 'Not Found');
  } catch (error) {
    fail(res, log, method, pathname, error);
  }
}

/** A handler failed (no closure per request: an async handler's rejection makes the only one). */
function fail(res: http.ServerResponse, log: HttpLogger, method: string, pathname: string, error: unknown): void {
  if (error instanceof BodyTooLargeError) return refuseTooLarge(res);
  // The stack goes to the log only: a response must not describe our internals.
  log.error('http request failed', { method, path: pathname, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
  if (res.headersSent) res.destroy();
  else sendText(res, 500, 'Internal Server Error');
}

function refuseTooLarge(res: http.ServerResponse): void {
  if (res.headersSent) return void res.destroy();
  // The rest of the body is not read, so the connection cannot be reused.
  res.setHeader('connection', 'close');
  sendText(res, 413, 'Payload Too Large');
}
