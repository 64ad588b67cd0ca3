import type http from 'node:http';
import { ChartRequestError, parseChartRequest } from '../chart/chart-request.js';
import { ChartDrawer } from '../chart/chart-drawer.js';
import { ChartDrawError, ChartFontsError } from '../chart/draw-errors.js';
import { sendText } from '../reply.js';
import { BodyTooLargeError, readBody } from '../request-body.js';
import type { HttpLogger, HttpRoute } from '../route.js';

export const CHART_PATH = '/chart';
/** A chart request is a config of a few KB; 1 MB is generous and still bounded. */
export const CHART_MAX_BODY_BYTES = 1024 * 1024;
/** Drawing is CPU work on the event loop: more than this many at once wait their turn elsewhere (503). */
export const CHART_MAX_IN_FLIGHT = 2;

export interface ChartRouteOptions {
  log?: HttpLogger;
  /** Who may ask for a chart, by the connection's address; default: this machine only (see isLocalRequest). */
  allow?: (req: http.IncomingMessage) => boolean;
}

/**
 * Herald's own QuickChart-compatible `POST /chart`: the embedded default draws charts offline with
 * Chart.js on @napi-rs/canvas. The config is data (JSON.parse only, never evaluated). It answers this
 * machine only: Herald calls itself over loopback, and a public CPU-heavy endpoint would be an easy
 * way to slow tracking down. Drawing happens in a worker thread (ChartDrawer), started at the first chart
 * and stopped when idle, so an idle Herald holds neither Chart.js nor the canvas. Errors say why in the body and in QuickChart's `X-QuickChart-Error` header.
 */
export function chartRoute(options: ChartRouteOptions = {}): HttpRoute {
  const allow = options.allow ?? isLocalRequest;
  const drawer = new ChartDrawer();
  let inFlight = 0;
  return {
    method: 'POST',
    path: CHART_PATH,
    async handler(req, res) {
      if (!allow(req)) return refuse(res, 403, "Herald's /chart draws charts for Herald on this machine only; point QUICKCHART_URL elsewhere at a QuickChart server of your own.");
      if (inFlight >= CHART_MAX_IN_FLIGHT) {
        res.setHeader('retry-after', '1');
        return refuse(res, 503, `Herald is drawing ${inFlight} charts already; try again in a second.`);
      }
      inFlight += 1;
      try {
        let body: Buffer;
        try {
          body = await readBody(req, CHART_MAX_BODY_BYTES);
        } catch (error) {
          if (!(error instanceof BodyTooLargeError)) throw error;
          res.setHeader('connection', 'close');
          return refuse(res, 413, `The chart request is over ${CHART_MAX_BODY_BYTES / 1024 / 1024} MB.`);
        }
        const started = performance.now();
        const request = parseChartRequest(body, req.headers['content-type']);
        const png = await drawer.draw(request);
        options.log?.info('chart drawn', { type: request.config.type, width: request.width, height: request.height, bytes: png.length, ms: Math.round(performance.now() - started) });
        res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length, 'cache-control': 'no-store', 'x-content-type-options': 'nosniff' });
        res.end(png);
      } catch (error) {
        if (error instanceof ChartRequestError) return refuse(res, error.status, error.message);
        if (error instanceof ChartDrawError) return refuse(res, 400, `Chart.js could not draw this config: ${error.message}`);
        // The draw worker checks (Chart.js and the canvas are loaded in its thread only, not in Herald's).
        if (error instanceof ChartFontsError) {
          options.log?.error('chart refused: no fonts', { hint: 'install a font package (Debian: fonts-dejavu-core)' });
          return refuse(res, 503, 'This machine has no fonts, so a chart would have no labels or numbers: install one (Debian: apt-get install fonts-dejavu-core).');
        }
        throw error;
      } finally {
        inFlight -= 1;
      }
    },
  };
}

/** A connection from this machine that no proxy passed on (a proxy's own connection is local too). */
export function isLocalRequest(req: http.IncomingMessage): boolean {
  const address = req.socket.remoteAddress ?? '';
  const loopback = address === '::1' || /^(::ffff:)?127\./.test(address);
  return loopback && req.headers['x-forwarded-for'] === undefined && req.headers.forwarded === undefined;
}

function refuse(res: http.ServerResponse, status: number, message: string): void {
  // Header values carry ASCII on one line; the body keeps the sentence as written.
  const ascii = message.replace(/×/g, 'x').replace(/[‘’]/g, "'").replace(/[“”]/g, '"').replace(/[^\x20-\x7e]/g, '?');
  res.setHeader('x-quickchart-error', ascii);
  sendText(res, status, message);
}
