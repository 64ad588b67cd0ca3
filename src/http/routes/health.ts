import type { HttpRoute } from '../route.js';
import { sendJson } from '../reply.js';

/** Liveness plus an optional dependency check (the database) for load balancers and Docker. */
export function healthRoute(check?: () => Promise<boolean>): HttpRoute {
  return {
    method: 'GET',
    path: '/healthz',
    async handler(_req, res) {
      let ok = true;
      try {
        ok = check ? await check() : true;
      } catch {
        ok = false;
      }
      sendJson(res, ok ? 200 : 503, { ok });
    },
  };
}
