// Issue 11's benchmark in one run: W1 word count, a shuffle, and the h2o groupby and join on
// local[2] (threads), processes[2] (child processes) and 2 `sluice worker`s in separate network
// namespaces (driver in a third), systems alternated round by round; a raw Node TCP stream
// between the two worker namespaces beside the shuffle; and a kill -9 of a worker as the W1
// shuffle starts. Prints markdown tables and the issue's ratios.
//
//   npm run build && node bench/cluster/run.mjs            # as root for netns
//
// Env:
//   CORPUS=bench/data/corpus.txt   W1 input (bash bench/setup-corpus.sh; CORPUS_MB=200 for a cut)
//   SYSTEMS=local,processes,netns  (netns needs root and ip netns; dropped with a note otherwise)
//   WORKLOADS=wordcount,shuffle,h2o,kill
//   ROUNDS=2 RUNS=1                rounds of alternated systems; timed runs per session per round
//   PARTS=8                        W1 minPartitions
//   SHUFFLE_MB=256 SHUFFLE_PARTS=8 the shuffle's size
//   N=1e7 TASKS=groupby,join Q=... REPS=1   h2o (bench/h2o/run.mjs; DuckDB is the answer check)
//   KILL_RUNS=2                    W1 runs with a kill (each in a fresh session)
//   WORKER_MEMORY=2g               budget of each namespaced worker (local[2]/processes[2] take their default)
import { once } from 'node:events';
import * as os from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { machine, median } from '../lib/machine.mjs';
import { launchDriver, namespaces, removeNamespaces } from './launch.mjs';
import { netnsUnavailable } from './netns.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const ROUNDS = Number(process.env.ROUNDS ?? 2);
const WORKLOADS = (process.env.WORKLOADS ?? 'wordcount,shuffle,h2o,kill').split(',');
let SYSTEMS = (process.env.SYSTEMS ?? 'local,processes,netns').split(',');
const log = (...a) => console.log(...a);
const fmt = (x, d = 2) => (x == null || Number.isNaN(x) ? '–' : x.toFixed(d));
const NAMES = { local: 'local[2]', processes: 'processes[2]', netns: '2 workers in netns' };

if (SYSTEMS.includes('netns') && netnsUnavailable()) {
  log(`note: netns dropped (${netnsUnavailable()})`);
  SYSTEMS = SYSTEMS.filter((s) => s !== 'netns');
}

/** Runs `node args` as `system`'s driver; echoes its lines; resolves to its RESULT. */
async function runChild(system, args, env = {}) {
  const child = launchDriver(system, args, env);
  let result;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7));
    else if (line) log(`    ${line}`);
  }
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
  if (!result) throw new Error(`${system} driver ended without a result (exit ${child.exitCode ?? child.signalCode})`);
  return result;
}

const driverRuns = (system, workload, env = {}) => runChild(system, [path.join(here, 'driver.mjs'), system, workload], { RUNS: process.env.RUNS ?? '1', ...env });

/** `{ system: [run, ...] }` over ROUNDS rounds, systems alternated (and `extra` after each round). */
async function alternate(workload, extra) {
  const by = Object.fromEntries(SYSTEMS.map((s) => [s, []]));
  for (let r = 0; r < ROUNDS; r++) {
    for (const system of SYSTEMS) {
      const res = await driverRuns(system, workload);
      by[system].push(...res.runs.map((x) => ({ ...x, bytes: res.bytes, startSeconds: res.startSeconds })));
      const last = res.runs.at(-1);
      log(`  round ${r + 1} ${NAMES[system]}: ${fmt(last.wall)} s wall, ${fmt(last.cpu)} CPU s, others ${fmt(last.otherCores)} cores`);
    }
    await extra?.(r);
  }
  return by;
}

/** A markdown table: per system, median wall, CPU, throughput and its ratio to local[2]. */
function table(by, unitBytes, label) {
  log(`| system | runs | median wall s | median CPU s (all processes) | ${label} | × local[2] throughput | × local[2] CPU | others (cores) |`);
  log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const ref = by.local && median(by.local.map((r) => r.wall));
  const refCpu = by.local && median(by.local.map((r) => r.cpu));
  const ratios = {};
  for (const [system, runs] of Object.entries(by)) {
    const wall = median(runs.map((r) => r.wall));
    const cpu = median(runs.map((r) => r.cpu));
    ratios[system] = ref ? ref / wall : undefined;
    log(`| ${NAMES[system]} | ${runs.length} | ${fmt(wall)} | ${fmt(cpu)} | ${fmt(unitBytes(runs[0]) / 1e6 / wall, 1)} | ${fmt(ratios[system])} | ${fmt(refCpu ? refCpu / cpu : undefined)} | ${fmt(median(runs.map((r) => r.otherCores)))} |`);
  }
  return ratios;
}

/** Every run's summary equal to the first one's. */
function sameAnswers(by) {
  const all = Object.values(by).flat();
  const key = (s) => `${s.distinct}/${s.total}/${s.top10}`;
  const bad = all.filter((r) => key(r.summary) !== key(all[0].summary));
  log(`\ncheck: ${bad.length ? 'MISMATCH' : 'OK'}: ${all.length} runs agree on distinct=${all[0].summary.distinct}, words=${all[0].summary.total}`);
  if (bad.length) process.exitCode = 1;
}

/** A raw Node TCP stream of `bytes` between the two worker namespaces (the fixtures of bench/net-throughput.mjs). */
async function rawTcp(bytes) {
  const c = namespaces();
  const fixtures = path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js', '../../test/backend/net/fixtures');
  const env = { ...process.env, SLUICE_TEST_SECRET: 'bench' };
  const owner = c.spawn(c.workers[0], process.execPath, [path.join(fixtures, 'block-owner.js'), '--host', c.workers[0].ip, '--bytes', String(bytes), '--raw'], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const first = async (child) => {
    for await (const line of createInterface({ input: child.stdout })) return JSON.parse(line);
    throw new Error('fixture exited without answering');
  };
  try {
    const { rawPort } = await first(owner);
    const got = await first(c.spawn(c.workers[1], process.execPath, [path.join(fixtures, 'block-fetcher.js'), '--host', c.workers[0].ip, '--bytes', String(bytes), '--raw-port', String(rawPort)], { env }));
    if (!got.ok) throw new Error(`raw stream failed: ${JSON.stringify(got)}`);
    return bytes / 1e6 / (got.ms / 1000);
  } finally {
    owner.stdin.end();
  }
}

const summaryLines = [];

async function wordcount() {
  log('\n## W1 word count');
  const by = await alternate('wordcount');
  log('');
  const r = table(by, (x) => x.bytes, 'MB/s');
  sameAnswers(by);
  for (const s of ['processes', 'netns']) if (r[s] !== undefined) summaryLines.push(`W1 ${NAMES[s]} throughput ${fmt(r[s])}× local[2]${s === 'processes' ? ` (target ≥ 0.85) -> ${r[s] >= 0.85 ? 'MET' : 'NOT MET'}` : ''}`);
  return by;
}

async function shuffle() {
  log(`\n## shuffle: ${process.env.SHUFFLE_MB ?? 256} MB of 1 KB strings, repartition + count`);
  const raw = [];
  const by = await alternate('shuffle', async () => {
    if (!SYSTEMS.includes('netns')) return;
    const mbps = await rawTcp(Number(process.env.NET_BYTES ?? 256e6));
    raw.push(mbps);
    log(`  raw TCP between the worker namespaces: ${fmt(mbps, 0)} MB/s`);
  });
  log('');
  table(by, (x) => x.rows * 1000, 'MB/s (job)');
  log('\n| system | median reduce stage s | shuffle read MB | MB/s in the reduce stage | of which crossed between workers (MB/s) |');
  log('|---|---:|---:|---:|---:|');
  const netRates = {};
  for (const [system, runs] of Object.entries(by)) {
    const secs = median(runs.map((r) => r.reduceSeconds));
    const mb = runs[0].shuffleBytes / 1e6;
    // With 2 workers and hash partitioning, half of each reduce task's input is the other worker's.
    netRates[system] = mb / 2 / secs;
    log(`| ${NAMES[system]} | ${fmt(secs)} | ${fmt(mb, 0)} | ${fmt(mb / secs, 0)} | ${fmt(netRates[system], 0)} |`);
  }
  if (raw.length) {
    const ratio = netRates.netns / median(raw);
    log(`\nraw Node TCP stream between the worker namespaces: ${raw.map((x) => fmt(x, 0)).join(', ')} MB/s (median ${fmt(median(raw), 0)})`);
    summaryLines.push(`shuffle between namespaced workers ${fmt(netRates.netns, 0)} MB/s crossing = ${fmt(ratio)}× a raw TCP stream (${fmt(median(raw), 0)} MB/s) (target ≥ 0.5) -> ${ratio >= 0.5 ? 'MET' : 'NOT MET'}`);
  }
}

async function h2o() {
  const systems = ['duckdb', ...SYSTEMS.map((s) => `sluice:${s}`)].join(',');
  log(`\n## h2o (bench/h2o/run.mjs, SYSTEMS=${systems})`);
  const child = launchDriver('local', ['--import', 'tsx', path.join(root, 'bench/h2o/run.mjs')], { SYSTEMS: systems, REPS: process.env.REPS ?? '1', LOADS: process.env.LOADS ?? 'parquet' });
  for await (const line of createInterface({ input: child.stdout })) {
    log(line);
    const m = /^sluice (.+) (groupby|join) total throughput ([\d.]+)× sluice local\[2\]/.exec(line);
    if (m) summaryLines.push(`h2o ${line.trim()}${m[1].startsWith('processes') ? ` (target ≥ 0.85) -> ${Number(m[3]) >= 0.85 ? 'MET' : 'NOT MET'}` : ''}`);
  }
  if (child.exitCode === null) await once(child, 'exit');
  if (child.exitCode) process.exitCode = child.exitCode;
}

async function kill(base) {
  log('\n## kill -9 of one worker as the W1 shuffle starts (reduce stage submitted, every map output written)');
  log("(the lost worker's share: the map stage's task time over the 2 workers, measured in the same run)");
  const systems = SYSTEMS.filter((s) => s !== 'local');
  const runs = Number(process.env.KILL_RUNS ?? 2);
  const by = Object.fromEntries(systems.map((s) => [s, []]));
  for (let r = 0; r < runs; r++) {
    for (const system of systems) {
      const res = await driverRuns(system, 'kill', { RUNS: '1' });
      by[system].push(...res.runs);
      const x = res.runs[0];
      log(`  ${NAMES[system]}: ${fmt(x.wall)} s, kill -> map stage resubmitted ${fmt(x.killToResubmit)} s, kill -> answer ${fmt(x.killToEnd)} s; map tasks run again ${x.rerun} of ${x.mapTasks}`);
    }
  }
  log('\n| system | W1 without kill (median s) | with kill (median s) | extra s | lost worker\'s share s | extra / share | CPU s without / with kill | map tasks run again | kill -> resubmit s | kill -> answer s |');
  log('|---|---:|---:|---:|---:|---:|---:|---|---:|---:|');
  for (const [system, xs] of Object.entries(by)) {
    const plain = base?.[system]?.length ? median(base[system].map((x) => x.wall)) : undefined;
    const withKill = median(xs.map((x) => x.wall));
    const extra = plain === undefined ? undefined : withKill - plain;
    const share = median(xs.map((x) => x.shareSeconds));
    const recovery = median(xs.map((x) => x.killToEnd));
    const cpu = `${fmt(base?.[system]?.length ? median(base[system].map((x) => x.cpu)) : undefined)} / ${fmt(median(xs.map((x) => x.cpu)))}`;
    log(`| ${NAMES[system]} | ${fmt(plain)} | ${fmt(withKill)} | ${fmt(extra)} | ${fmt(share)} | ${fmt(extra / share)} | ${cpu} | ${xs.map((x) => `${x.rerun}/${x.mapTasks}`).join(', ')} | ${fmt(median(xs.map((x) => x.killToResubmit ?? NaN)))} | ${fmt(recovery)} |`);
    if (extra !== undefined) summaryLines.push(`kill -9 in the W1 shuffle on ${NAMES[system]}: ${fmt(extra)} s extra vs the lost worker's share ${fmt(share)} s (target extra ≤ share) -> ${extra <= share ? 'MET' : 'NOT MET'}; recovery (kill -> answer) ${fmt(recovery)} s`);
  }
  sameAnswers({ ...by, ...(base ?? {}) });
}

log(`# sluice cluster benchmark  ${new Date().toISOString()}`);
log(`machine: ${machine()}; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
log(`systems: ${SYSTEMS.map((s) => NAMES[s]).join(', ')}; workloads: ${WORKLOADS.join(', ')}; rounds ${ROUNDS}`);
try {
  let base;
  for (const w of WORKLOADS) {
    if (w === 'wordcount') base = await wordcount();
    else if (w === 'shuffle') await shuffle();
    else if (w === 'h2o') await h2o();
    else if (w === 'kill') await kill(base);
    else throw new Error(`unknown workload ${w}`);
  }
} finally {
  removeNamespaces();
}
log(`\n## summary (load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')})`);
for (const l of summaryLines) log(`- ${l}`);
