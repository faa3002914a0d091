// db-benchmark (h2o) groupby q1–q10 and join q1–q5: sluice vs DuckDB vs nodejs-polars, one run,
// 2 cores, the tables read from files as users read them. files.mjs writes each task's tables once
// (CSV from the seeded generator, Parquet by DuckDB from the CSV) under bench/data/h2o/. Each system
// runs in a process of its own (run-system.mjs), one after another, as db-benchmark runs each
// solution. Each times its CSV load (sluice read.csv, DuckDB read_csv, Polars readCSV; dropped) and
// its Parquet load (read.parquet + cache, read_parquet into a table, readParquet), which it keeps
// for the questions; every question runs once to warm up, then REPS times (medians reported).
// Answers are checked against DuckDB's (row count and the benchmark's column sums).
//
//   npm run build && node --import tsx bench/h2o/run.mjs
//
// Env:
//   N=1e7              rows (groupby table x; join tables x and big)
//   TASKS=groupby,join
//   SYSTEMS=duckdb,sluice,polars   also sluice:local, sluice:processes, sluice:netns (bench/cluster)
//   Q=q1,q2            subset of questions
//   REPS=2             timed runs of each question after the warm-up
//   LOAD_RUNS=2        timed runs of each load
//   LOADS=csv,parquet  which loads to time (the Parquet tables are always loaded)
//   SLUICE=path        the engine's index.js (default dist/src/index.js)
//   HEAP_MB=16384      --max-old-space-size of each system's process
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUPBY_QUESTIONS, JOIN_QUESTIONS } from '../../test/frame/oracle/h2o-questions.ts';
import { machine, median } from '../lib/machine.mjs';
import { launchDriver } from '../cluster/launch.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const N = Number(process.env.N ?? 1e7);
const TASKS = (process.env.TASKS ?? 'groupby,join').split(',');
const SYSTEMS = (process.env.SYSTEMS ?? 'duckdb,sluice,polars').split(',');
const ONLY = process.env.Q ? new Set(process.env.Q.split(',')) : undefined;
const log = (...a) => console.log(...a);
const fmt = (x, d = 2) => (x == null ? '–' : x.toFixed(d));

/** Same answer: equal row counts, sums within 1e-6 relative (summation order differs). */
function agrees(a, ref) {
  if (a.rows !== ref.rows) return false;
  return a.sums.every((s, i) => {
    const r = ref.sums[i];
    if (s == null || r == null || Number.isNaN(s) || Number.isNaN(r)) return (s == null || Number.isNaN(s)) === (r == null || Number.isNaN(r));
    return Math.abs(s - r) <= 1e-6 * Math.max(1, Math.abs(r));
  });
}

/** Runs one system on one task in a child process; its question lines are echoed as they come. */
async function runSystem(task, key) {
  const child = launchDriver(key.startsWith('sluice:') ? key.slice(7) : 'local', [`--max-old-space-size=${process.env.HEAP_MB ?? 16384}`, '--import', 'tsx', path.join(here, 'run-system.mjs'), task, key]);
  let result;
  for await (const line of createInterface({ input: child.stdout })) {
    if (line.startsWith('RESULT ')) result = JSON.parse(line.slice(7));
    else if (line) log(line);
  }
  const [code, signal] = child.exitCode !== null || child.signalCode !== null ? [child.exitCode, child.signalCode] : await once(child, 'exit');
  if (!result) log(`  ${key}: no result (exit code ${code}${signal ? `, signal ${signal}` : ''})`);
  return result;
}

async function runTask(task) {
  const questions = (task === 'groupby' ? GROUPBY_QUESTIONS : JOIN_QUESTIONS).filter((q) => !ONLY || ONLY.has(q.id));
  log(`\n## ${task}, N=${N.toExponential(0)}`);
  const results = {}; // system -> { load, times: {q: s}, chk: {q}, notes: {q} }
  for (const key of SYSTEMS) {
    const r = await runSystem(task, key);
    if (r) results[r.name] = r;
  }
  report(task, questions, results);
}

function report(task, questions, results) {
  const ref = results.DuckDB;
  const names = Object.keys(results);
  const bad = [];
  for (const q of questions) {
    for (const n of names) {
      const r = results[n];
      if (r.times[q.id] !== undefined && ref?.chk[q.id] && !agrees(r.chk[q.id], ref.chk[q.id])) {
        bad.push(`${n} ${q.id}: rows=${r.chk[q.id].rows} sums=${r.chk[q.id].sums} vs DuckDB rows=${ref.chk[q.id].rows} sums=${ref.chk[q.id].sums}`);
        r.notes[q.id] = 'MISMATCH';
      }
    }
  }
  table(task, questions, results, 'wall seconds', (r) => r.times, (r) => r.loads);
  table(task, questions, results, 'CPU seconds of the system\'s process (all threads)', (r) => r.cpu ?? {}, (r) => r.loadCpu ?? {});
  log(`\nother processes meanwhile (cores, median of timed runs): ${names.map((n) => `${n} ${fmt(median(results[n].other))}`).join(', ')}; load average now ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  sluiceRatios(task, questions, results);
  log(`\ncheck vs DuckDB (row count and column sums): ${bad.length ? 'MISMATCH' : 'OK'}`);
  for (const b of bad) log(`  ${b}`);
  if (bad.length) process.exitCode = 1;
}

/** Total time of every sluice system against sluice local[2]'s, as a throughput ratio (>1 = faster). */
function sluiceRatios(task, questions, results) {
  const total = (r) => questions.reduce((a, q) => a + (r.times[q.id] ?? NaN), 0);
  const totalCpu = (r) => questions.reduce((a, q) => a + (r.cpu?.[q.id] ?? NaN), 0);
  const ref = results['sluice local[2]'];
  if (!ref) return;
  for (const [name, r] of Object.entries(results)) {
    if (r === ref || !name.startsWith('sluice ')) continue;
    log(`${name} ${task} total throughput ${fmt(total(ref) / total(r))}× sluice local[2] (CPU ${fmt(totalCpu(ref) / totalCpu(r))}×)`);
  }
}

/** One markdown table of a metric (medians), each cell with its ratio to DuckDB's. */
function table(task, questions, results, what, times, loads) {
  const ref = results.DuckDB;
  const names = Object.keys(results);
  log(`\n### ${task} N=${N.toExponential(0)}: ${what} (medians) and ratio to DuckDB (>1 = slower)`);
  log(`| question | ${names.join(' | ')} |`);
  log(`|---|${names.map(() => '---:').join('|')}|`);
  const ratio = (t, r) => `${fmt(t, 3)}${r ? ` (${fmt(t / r, 2)}×)` : ''}`;
  for (const kind of ['csv', 'parquet']) {
    if (names.some((n) => loads(results[n])[kind] !== undefined)) log(`| load ${kind} | ${names.map((n) => (loads(results[n])[kind] === undefined ? '–' : ratio(loads(results[n])[kind], ref && loads(ref)[kind]))).join(' | ')} |`);
  }
  for (const q of questions) {
    const cells = names.map((n) => {
      const t = times(results[n])[q.id];
      if (t === undefined) return results[n].notes[q.id] ?? '–';
      return `${ratio(t, ref && times(ref)[q.id])}${results[n].notes[q.id] === 'MISMATCH' ? ' **MISMATCH**' : ''}`;
    });
    log(`| ${q.id} ${q.name} | ${cells.join(' | ')} |`);
  }
  const total = (r) => (r && questions.every((q) => times(r)[q.id] !== undefined) ? questions.reduce((a, q) => a + times(r)[q.id], 0) : undefined);
  log(`| **total** | ${names.map((n) => (total(results[n]) === undefined ? '–' : `**${ratio(total(results[n]), total(ref))}**`)).join(' | ')} |`);
}

log(`# h2o db-benchmark  ${new Date().toISOString()}`);
log(`machine: ${machine()}`);
log(`systems: ${SYSTEMS.join(', ')}; DuckDB threads=2, sluice local[2]; tables read from files; load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (const task of TASKS) await runTask(task);
