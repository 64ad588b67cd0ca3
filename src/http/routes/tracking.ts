import type http from 'node:http';
import type { Clock } from '../../domain/ports/clock.js';
import type { LinkStore } from '../../domain/ports/link-store.js';
import type { TokenSigner } from '../../domain/ports/token-signer.js';
import type { Hit } from '../../domain/tracking/classify-hit.js';
import { verifyClick, verifyOpen } from '../../domain/tracking/tracking-tokens.js';
import { sendText } from '../reply.js';
import { rawHeader } from '../request-body.js';
import type { HttpLogger, HttpRoute } from '../route.js';

export const OPEN_PATH = '/o/:token';
export const CLICK_PATH = '/c/:token';

/** A transparent 1x1 GIF (42 bytes). */
export const PIXEL_GIF = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64');
/** The same bytes as a latin1 string: Node joins a string body to the head in one chunk (a Buffer is a chunk of its own). */
const PIXEL_BODY = PIXEL_GIF.toString('latin1');

/** Every fetch must reach us (each is a hit), and nothing may keep the image or the redirect. */
const NO_CACHE = {
  'cache-control': 'no-store, no-cache, must-revalidate, max-age=0, private',
  pragma: 'no-cache',
  expires: 'Thu, 01 Jan 1970 00:00:00 GMT',
  'x-content-type-options': 'nosniff',
} as const;

export interface TrackingRouteDeps {
  signer: TokenSigner;
  links: LinkStore;
  clock: Clock;
  /** Takes the hit (buffered, written in batches); never waits for the database. */
  record(hit: Hit): void;
  log: HttpLogger;
}

/** Built once: every pixel answer carries the same headers (Node only reads the object). */
const PIXEL_HEADERS = { ...NO_CACHE, 'content-type': 'image/gif', 'content-length': PIXEL_GIF.length };

/** The pixel answer: 200, the GIF, no caching. The bench's bare server answers with this too. */
export function sendPixel(res: http.ServerResponse): void {
  res.writeHead(200, PIXEL_HEADERS);
  res.end(PIXEL_BODY, 'latin1');
}

/**
 * The hit a request makes: when, how and from whom it came (the user agent cut to 512 characters),
 * and what it hit. One literal, no spread: it is built on every pixel.
 */
function hitOf(deps: TrackingRouteDeps, req: http.IncomingMessage, kind: Hit['kind'], messageId: string, linkId: number | null, linksInMessage: Hit['linksInMessage'], hasPixel: boolean): Hit {
  const agent = rawHeader(req, 'user-agent');
  return {
    kind,
    at: deps.clock.now(),
    method: req.method ?? 'GET',
    userAgent: agent === undefined ? null : agent.slice(0, 512),
    ip: req.socket.remoteAddress ?? null,
    messageId,
    linkId,
    linksInMessage,
    hasPixel,
  };
}

/**
 * The open pixel: always 200 with the GIF, whatever the token says (a mail client must never show
 * an error image). Only a valid token is a hit.
 */
export function openPixelRoute(deps: TrackingRouteDeps): HttpRoute {
  return {
    method: 'GET',
    path: OPEN_PATH,
    handler(req, res, params) {
      const messageId = verifyOpen(deps.signer, params.token ?? '');
      if (messageId) deps.record(hitOf(deps, req, 'open', messageId, null, null, true));
      sendPixel(res);
    },
  };
}

/**
 * A tracked link: redirects only to the stored destination of the link the signed token names (as
 * it is now: an edit takes effect at once). A tampered, foreign or unknown token is a 404 and never
 * a redirect to anything taken from the request.
 */
export function clickRoute(deps: TrackingRouteDeps): HttpRoute {
  return {
    method: 'GET',
    path: CLICK_PATH,
    async handler(req, res, params) {
      const token = verifyClick(deps.signer, params.token ?? '');
      const destination = token ? await deps.links.destination(token.linkId, token.messageId) : null;
      if (!token || !destination || !/^https?:\/\//i.test(destination)) return sendText(res, 404, 'This link is not valid.');
      deps.record(hitOf(deps, req, 'click', token.messageId, token.linkId, token.links, token.pixel));
      // No referrer: the destination must not learn the token.
      res.writeHead(302, { ...NO_CACHE, location: destination, 'referrer-policy': 'no-referrer', 'content-length': 0 });
      res.end();
    },
  };
}
