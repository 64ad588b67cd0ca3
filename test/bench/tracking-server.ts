/**
 * One side of the tracking bench (tracking-bench.ts), in its own process so both sides are placed
 * alike: the load generator stays in the bench process, and each server has a process (and event
 * loop) to itself, started the same way (`node --import tsx`).
 * - `bare`: a plain Node HTTP server answering every request with the pixel and its headers, written
 *   by the same function as Herald's (sendPixel).
 * - `herald <database url> <secret>`: Herald's HTTP edge as serve mode builds it (buildApp, the system clock,
 *   the app's logger, httpDeps), hits buffered and written to that database.
 * It says `{ port }` over IPC once listening; `flush` answers `{ held, ms, cpuMs }` once every hit
 * taken is written (cpuMs: the process's CPU time so far; loopMaxMs, loopP99Ms: its event loop's
 * delay since the last flush); `close` ends the process (a `--cpu-prof` profile is written then).
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/adapters/db/database.js';
import { createHttpServer } from '../../src/http/http-server.js';
import { sendPixel } from '../../src/http/routes/tracking.js';
import { buildApp } from '../../src/wiring.js';

type Control = { type: 'flush' } | { type: 'close' };

const [mode, databaseUrl, secret] = process.argv.slice(2);
const send = (m: unknown) => process.send!(m);
/** This process's CPU time so far (user and system), so the bench can say what each hit cost it. */
const cpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};
/** How long the event loop was held at once since the last flush (a batch being written, the machine busy, …). */
const loopDelay = monitorEventLoopDelay({ resolution: 1 });
loopDelay.enable();
const measures = () => {
  const out = { cpuMs: cpuMs(), loopMaxMs: loopDelay.max / 1e6, loopP99Ms: loopDelay.percentile(99) / 1e6 };
  loopDelay.reset();
  return out;
};

if (mode === 'bare') {
  // The very answer Herald's pixel gives, written the same way: the difference is all Herald's own work.
  const server = http.createServer((_req, res) => sendPixel(res));
  server.listen(0, '127.0.0.1', () => send({ port: (server.address() as AddressInfo).port }));
  process.on('message', (m: Control) => {
    if (m.type === 'flush') return send({ held: 0, ms: 0, ...measures() });
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  });
} else if (mode === 'herald' && databaseUrl && secret) {
  const config = loadConfig({ HERALD_SECRET: secret, LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn' });
  const database = await openDatabase({ databaseUrl, poolSize: config.dbPoolSize });
  const app = await buildApp(config, { database });
  const edge = createHttpServer(app.httpDeps(app.logger.child({ edge: 'http' })), { publicBaseUrl: null, twilio: null });
  const { port } = await edge.listen(0, '127.0.0.1');
  send({ port });
  process.on('message', (m: Control) => {
    if (m.type === 'flush') {
      const held = app.tracking.buffer.size;
      const t = performance.now();
      void app.tracking.buffer.flush().then(() => send({ held, ms: performance.now() - t, ...measures() }));
    } else {
      void edge
        .close()
        .then(() => app.close())
        .then(() => database.close())
        .then(() => process.exit(0));
    }
  });
} else {
  throw new Error(`usage: tracking-server.ts bare | herald <database url> <secret> (got ${process.argv.slice(2).join(' ')})`);
}
