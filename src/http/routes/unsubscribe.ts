import type { Clock } from '../../domain/ports/clock.js';
import type { TokenSigner } from '../../domain/ports/token-signer.js';
import type { UnsubscribeRecorder } from '../../domain/ports/unsubscribe-recorder.js';
import { readBody } from '../request-body.js';
import { escapeHtml, sendHtml } from '../reply.js';
import type { HttpLogger, HttpRoute, RouteParams } from '../route.js';

export const UNSUBSCRIBE_PURPOSE = 'unsubscribe';
export const UNSUBSCRIBE_PATH = '/u/:token';

export interface UnsubscribeRouteDeps {
  signer: TokenSigner;
  unsubscribes: UnsubscribeRecorder;
  clock: Clock;
  log: HttpLogger;
  maxBodyBytes?: number;
}

/** The message id a token stands for, or null for anything tampered, foreign or malformed. */
function messageIdOf(signer: TokenSigner, params: RouteParams): string | null {
  const payload = signer.verify(UNSUBSCRIBE_PURPOSE, params.token ?? '');
  return payload !== null && /^[1-9][0-9]{0,18}$/.test(payload) ? payload : null;
}

/**
 * The visible link's page. A GET never unsubscribes (RFC 8058): mail scanners and link previews
 * fetch every URL in a message, so the page only offers a button that POSTs.
 */
export function unsubscribePageRoute(deps: UnsubscribeRouteDeps): HttpRoute {
  return {
    method: 'GET',
    path: UNSUBSCRIBE_PATH,
    handler(_req, res, params) {
      if (!messageIdOf(deps.signer, params)) return sendHtml(res, 404, page('Link not valid', '<p>This unsubscribe link is not valid.</p>'));
      // No `action`: the form posts back to this very URL, whatever path prefix a proxy adds.
      sendHtml(
        res,
        200,
        page('Unsubscribe', '<p>Stop receiving these messages?</p><form method="post"><button type="submit" name="unsubscribe" value="1">Unsubscribe</button></form>'),
      );
    },
  };
}

/**
 * RFC 8058 one-click (`List-Unsubscribe=One-Click`) and the page's button: both unsubscribe and
 * answer 200 with a page, never a redirect. Repeats are harmless (the store records one event).
 */
export function unsubscribeRoute(deps: UnsubscribeRouteDeps): HttpRoute {
  return {
    method: 'POST',
    path: UNSUBSCRIBE_PATH,
    async handler(req, res, params) {
      // Drain the body (one-click or form) so keep-alive connections stay usable; its content does not matter.
      await readBody(req, deps.maxBodyBytes);
      const messageId = messageIdOf(deps.signer, params);
      if (!messageId) return sendHtml(res, 404, page('Link not valid', '<p>This unsubscribe link is not valid.</p>'));
      const userAgent = req.headers['user-agent'];
      const result = await deps.unsubscribes.unsubscribeMessage(messageId, deps.clock.now(), {
        ip: req.socket.remoteAddress ?? null,
        userAgent: typeof userAgent === 'string' ? userAgent.slice(0, 512) : null,
      });
      if (!result) return sendHtml(res, 404, page('Link not valid', '<p>This unsubscribe link is no longer valid.</p>'));
      deps.log.info('unsubscribed', { messageId, alreadySuppressed: result.alreadySuppressed });
      sendHtml(res, 200, page('Unsubscribed', `<p>${escapeHtml(result.recipient)} will not receive these messages any more.</p>`));
    },
  };
}

function page(title: string, body: string): string {
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><meta name="robots" content="noindex"><title>${escapeHtml(title)}</title></head><body style="font-family:sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
}
