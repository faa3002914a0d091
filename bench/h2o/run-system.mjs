// One system's side of the h2o benchmark, in a process of its own (as db-benchmark runs each
// solution): makes sure the task's files exist (files.mjs), times the CSV load (LOAD_RUNS times,
// the table dropped each time), times the Parquet load (LOAD_RUNS times, the last one kept), runs
// every question once to warm up and then REPS times, and prints its results (medians) as one JSON
// line prefixed RESULT for run.mjs.
//
//   node --import tsx bench/h2o/run-system.mjs <groupby|join> <duckdb|sluice|polars|sluice:SYSTEM>
//
// sluice is local[2]; sluice:local, sluice:processes and sluice:netns are the systems of
// bench/cluster/session.mjs (netns started by bench/cluster/launch.mjs). CPU seconds count this
// process and every worker process of the system. Env as run.mjs (N, Q, REPS, LOAD_RUNS, LOADS, SLUICE).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUPBY_QUESTIONS, JOIN_QUESTIONS } from '../../test/frame/oracle/h2o-questions.ts';
import { cpuWindow, median, treeCpu, waitForQuiet } from '../lib/machine.mjs';
import { openDuck } from './duckdb.mjs';
import { ensureH2oFiles } from './files.mjs';
import { openPolars } from './polars.mjs';
import { openSluice } from './sluice.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [task, key] = process.argv.slice(2);
const N = Number(process.env.N ?? 1e7);
const REPS = Number(process.env.REPS ?? 2);
const LOAD_RUNS = Number(process.env.LOAD_RUNS ?? 2);
const LOADS = (process.env.LOADS ?? 'csv,parquet').split(',');
const ONLY = process.env.Q ? new Set(process.env.Q.split(',')) : undefined;
const fmt = (x, d = 2) => (x == null ? '–' : x.toFixed(d));

const OPENERS = {
  duckdb: () => openDuck(2),
  polars: () => openPolars(),
  sluice: () => openSluice(root, 'local'),
};
for (const system of ['local', 'processes', 'netns']) OPENERS[`sluice:${system}`] = () => openSluice(root, system);
if (!OPENERS[key] || (task !== 'groupby' && task !== 'join')) throw new Error(`usage: run-system.mjs <groupby|join> <${Object.keys(OPENERS).join('|')}>`);

const questions = (task === 'groupby' ? GROUPBY_QUESTIONS : JOIN_QUESTIONS).filter((q) => !ONLY || ONLY.has(q.id));
const files = await ensureH2oFiles(task, N);
const r = { times: {}, cpu: {}, runs: {}, chk: {}, notes: {}, other: [], loads: {}, loadCpu: {} };
let sys;
try {
  sys = await OPENERS[key]();
} catch (e) {
  console.log(`  ${key}: not run (${e.message})`);
  process.exit(0);
}
r.name = sys.name;

/**
 * Runs `fn` `runs` times, each after waiting for a quiet machine; returns the median wall seconds
 * and the median CPU seconds of this process (all its threads: DuckDB's, Polars' and sluice's
 * workers), which other processes on the shared machine disturb less than wall time.
 */
async function timed(label, runs, fn) {
  const ts = [];
  const cpus = [];
  for (let i = 0; i < runs; i++) {
    await waitForQuiet();
    const end = cpuWindow(treeCpu);
    await fn();
    const cpu = end();
    ts.push(cpu.wall);
    cpus.push(cpu.own);
    r.other.push(cpu.otherCores);
  }
  console.log(`  ${sys.name}: ${label} ${ts.map((t) => fmt(t, 3)).join(' ')} s (cpu ${cpus.map((t) => fmt(t)).join(' ')} s)`);
  return { wall: median(ts), cpu: median(cpus), runs: ts };
}

try {
  for (const kind of ['csv', 'parquet']) {
    if (kind === 'csv' && !LOADS.includes('csv')) continue;
    const t = await timed(`${kind} load`, LOADS.includes(kind) ? LOAD_RUNS : 1, () => (kind === 'csv' ? sys.loadCsv(files) : sys.load(files)));
    r.loads[kind] = t.wall;
    r.loadCpu[kind] = t.cpu;
  }
  r.load = r.loads.parquet;
  for (const q of questions) {
    try {
      await sys.run(q, task); // first run: warm-up, not reported
      const t = await timed(q.id, REPS, () => sys.run(q, task));
      r.times[q.id] = t.wall;
      r.cpu[q.id] = t.cpu;
      r.runs[q.id] = t.runs;
      r.chk[q.id] = await sys.check(q);
      console.log(`    ${q.id} rows=${r.chk[q.id].rows} sums=${r.chk[q.id].sums.map((s) => fmt(s, 4)).join(',')}`);
    } catch (e) {
      r.notes[q.id] = `failed: ${e.message.split('\n')[0]}`;
      console.log(`    ${q.id} ${r.notes[q.id]}`);
    }
  }
} finally {
  await sys.close();
}
console.log(`RESULT ${JSON.stringify(r)}`);
