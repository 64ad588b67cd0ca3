/**
 * Slash-command ack latency: signed `/campaign` requests against the real Bolt app over HTTP, 20 in
 * flight at once, with the production receiver setting (the HTTP answer leaves at ack(), before the
 * command runs). Prints one JSON line per figure: ack_p99_ms (goal < 100 ms) and ack_p50_ms.
 * Run: npx tsx test/bench/slack-ack.ts   (BENCH_SLACK_REQUESTS, default 400)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Worker } from 'node:worker_threads';
import { LogLevel } from '@slack/bolt';
import { createSlackEdge } from '../../src/slack/slack-app.js';
import { FakeSlackApi } from '../fakes/slack-api-server.js';
import { createTestApp } from '../support/test-app.js';
import { SECRET, slackConfig, USERS } from '../e2e/slack/slack-harness.js';

const CONCURRENCY = 20;
const REQUESTS = Number(process.env.BENCH_SLACK_REQUESTS ?? 400);
const WARMUP = 40;

function emit(name: string, value: number, unit: string): void {
  console.log(JSON.stringify({ name, value: Number(value.toFixed(3)), unit }));
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/**
 * The load generator runs in a worker thread with its own event loop, so a response waiting to be
 * read by the client is not counted against Herald (server and embedded database share the main
 * one). Plain JavaScript (eval) because worker threads do not inherit tsx's loader.
 */
const CLIENT = `
const { parentPort, workerData: w } = require('node:worker_threads');
const crypto = require('node:crypto');
const { performance } = require('node:perf_hooks');
let n = 0;
async function one() {
  n += 1;
  const body = new URLSearchParams({ command: '/campaign', text: w.lines[n % w.lines.length], user_id: w.user, team_id: 'T1', channel_id: 'C1',
    response_url: 'http://127.0.0.1:' + w.apiPort + '/response/b' + n, trigger_id: 'bench-' + n }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const sig = 'v0=' + crypto.createHmac('sha256', w.secret).update('v0:' + ts + ':' + body).digest('hex');
  const start = performance.now();
  const res = await fetch(w.url, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig } });
  await res.text();
  if (res.status !== 200) throw new Error('status ' + res.status);
  return performance.now() - start;
}
async function runAll(count) {
  const times = [];
  let left = count;
  await Promise.all(Array.from({ length: w.concurrency }, async () => { while (left > 0) { left -= 1; times.push(await one()); } }));
  return times;
}
runAll(w.warmup).then(() => runAll(w.count)).then((t) => parentPort.postMessage(t));
`;

async function main(): Promise<void> {
  const engine = process.env.BENCH_SLACK_ENGINE === 'postgres' ? 'postgres' : 'embedded';
  const t = await createTestApp(engine);
  const slack = new FakeSlackApi();
  await slack.start();
  const edge = createSlackEdge({ app: t.app, config: slackConfig(slack.apiUrl), clock: t.clock, logger: { info() {}, warn() {}, error: (m, c) => console.error(m, c) }, logLevel: LogLevel.ERROR });
  const route = edge.routes[0]!;
  const server = http.createServer((req, res) => route.handler(req, res));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${route.path}`;
  try {
    await t.run('templates create Welcome --channel email --subject Hi --text Hello --from-email news@example.com');
    await t.run('lists create Newsletter');
    await t.run('new --name "Bench" --channel email --template Welcome --list Newsletter');
    const lines = ['show C-1001', 'list', 'help pause', 'calendar'];
    const worker = new Worker(CLIENT, { eval: true, workerData: { url, count: REQUESTS, warmup: WARMUP, lines, apiPort: slack.port, secret: SECRET, user: USERS.marketer, concurrency: CONCURRENCY } });
    const times = await new Promise<number[]>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    times.sort((a, b) => a - b);
    // Every command still answers through response_url after the ack; wait for all of them.
    await slack.waitFor(() => slack.callsOf('response').length >= WARMUP + REQUESTS);
    emit('ack_p99_ms', percentile(times, 99), 'ms');
    emit('ack_p50_ms', percentile(times, 50), 'ms');
  } finally {
    server.closeAllConnections();
    server.close();
    await slack.stop();
    await t.close();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
