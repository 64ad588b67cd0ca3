/**
 * start_s / first_start_s / idle_rss_mb / idle_db_pss_mb: the real entry point (`npm start`: node
 * with Herald's V8 flags, HERALD_NODE_FLAGS, under tsx) on the embedded database. start_s is from
 * spawning it to its answer to the first console command on an existing data folder (first_start_s:
 * a new folder, which creates the cluster).
 * idle_rss_mb is Herald's Node process a few seconds after start, doing nothing; idle_db_pss_mb the
 * embedded server's processes beside it (proportional set size, so shared memory is not counted
 * once per process). idle_rss_built_mb is the same idle console run from the production build
 * (`npm run build`, which the bench runs first, then `node <flags> dist/main.js`, as the Docker image
 * runs it): `npm start` transpiles under tsx, whose loader costs its own ~50 MB.
 * Run alone: npx tsx test/bench/startup.ts
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { ROOT, tempDir } from '../support/herald-process.js';
import { emit as emitFigure, HERALD_NODE_FLAGS, note, type Emit } from './bench-util.js';

const MB = 1_048_576;

/** Starts Herald with stdin kept open; resolves once it has answered one command. */
async function startOnce(dataDir: string, idleMs: number, entry: readonly string[] = [...HERALD_NODE_FLAGS, '--import', 'tsx', 'src/main.ts']): Promise<{ seconds: number; rssMb: number; dbPssMb: number }> {
  const t0 = performance.now();
  const child = spawn(process.execPath, entry, {
    cwd: ROOT,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, HERALD_DATA_DIR: dataDir, HTTP_PORT: '0' },
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.write('/campaign lists\n');
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`herald exited (${code}) before answering:\n${out}`)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      if (/No contact lists yet|Lists/.test(out)) resolve();
    });
  });
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((resolve) => setTimeout(resolve, idleMs));
  const rssMb = statusKb(child.pid!, 'VmRSS') / 1024;
  const dbPssMb = serverPids(dataDir).reduce((sum, pid) => sum + pssKb(pid), 0) / 1024;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.stdin.end();
  await exited;
  return { seconds, rssMb, dbPssMb };
}

function statusKb(pid: number, field: string): number {
  const line = fs.readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((l) => l.startsWith(`${field}:`));
  return Number(line?.split(/\s+/)[1] ?? 0);
}

function pssKb(pid: number): number {
  try {
    const line = fs.readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8').split('\n').find((l) => l.startsWith('Pss:'));
    return Number(line?.split(/\s+/)[1] ?? 0);
  } catch {
    return 0;
  }
}

/** The postmaster of the data folder's cluster and its children. */
function serverPids(dataDir: string): number[] {
  let postmaster: number;
  try {
    postmaster = Number(fs.readFileSync(fs.realpathSync(`${dataDir}/postgres/postmaster.pid`), 'utf8').split('\n')[0]);
  } catch {
    return [];
  }
  const pids = [postmaster];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const ppid = Number(fs.readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]!.split(' ')[1]);
      if (ppid === postmaster) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

export async function startupBench(emit: Emit): Promise<void> {
  const dataDir = tempDir('herald-bench-start-');
  try {
    const first = await startOnce(dataDir, 0);
    emit('first_start_s', first.seconds, 's', { note: 'new data folder: creates the cluster' });
    const starts: number[] = [];
    let idle = { rssMb: 0, dbPssMb: 0 };
    for (let i = 0; i < 3; i++) {
      const run = await startOnce(dataDir, i === 2 ? 3_000 : 0);
      starts.push(run.seconds);
      if (i === 2) idle = run;
    }
    starts.sort((a, b) => a - b);
    note(`start on an existing folder: ${starts.map((s) => s.toFixed(2)).join(', ')} s`);
    emit('start_s', starts[1]!, 's', { goal: '< 3', runs: starts.length });
    emit('idle_rss_mb', idle.rssMb, 'MB', { goal: '< 120', db_server_pss_mb: idle.dbPssMb });
    const build = spawnSync('npm', ['run', 'build'], { cwd: ROOT, encoding: 'utf8' });
    if (build.status !== 0) throw new Error(`npm run build failed:\n${build.stdout}${build.stderr}`);
    const built = await startOnce(dataDir, 3_000, [...HERALD_NODE_FLAGS, 'dist/main.js']);
    emit('idle_rss_built_mb', built.rssMb, 'MB', { goal: '< 120', note: `node ${[...HERALD_NODE_FLAGS, 'dist/main.js'].join(' ')} (the production build, as the Docker image runs it)` });
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await startupBench(emitFigure);
