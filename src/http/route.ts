import type http from 'node:http';

/** Path parameters taken from `:name` segments, already URL-decoded. */
export type RouteParams = Record<string, string>;

export type RouteHandler = (req: http.IncomingMessage, res: http.ServerResponse, params: RouteParams) => Promise<void> | void;

/** One route of Herald's HTTP edge; `path` is exact or has `:name` segments (`/u/:token`). */
export interface HttpRoute {
  method: string;
  path: string;
  handler: RouteHandler;
}

/** Where the HTTP edge writes what happened; never given secrets or request bodies. */
export interface HttpLogger {
  info(message: string, context: Record<string, unknown>): void;
  warn(message: string, context: Record<string, unknown>): void;
  error(message: string, context: Record<string, unknown>): void;
}
