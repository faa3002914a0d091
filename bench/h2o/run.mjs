// db-benchmark (h2o) groupby q1–q10 and join q1–q5: sluice vs DuckDB vs nodejs-polars vs Arquero,
// one run, same in-memory data (regenerated from a seed: see gen.mjs for why), 2 cores.
// Each system loads the data (timed apart), runs every question twice and the second run is
// reported; answers are checked against DuckDB's (row count and the benchmark's column sums).
//
//   npm run build && node --import tsx bench/h2o/run.mjs
//
// Env:
//   N=1e7              rows (groupby table x; join tables x and big)
//   TASKS=groupby,join
//   SYSTEMS=duckdb,sluice,polars,arquero   (Arquero last: at N=1e7 its big join needs a large heap, see run-all.sh)
//   PARTS=8            sluice numPartitions per table
//   Q=q1,q2            subset of questions
//   SLUICE=path        the engine's index.js (default dist/src/index.js)
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUPBY_SCHEMA, JOIN_SCHEMAS, h2oGroupBy, h2oJoin } from '../../test/frame/oracle/h2o-data.ts';
import { GROUPBY_QUESTIONS, JOIN_QUESTIONS } from '../../test/frame/oracle/h2o-questions.ts';
import { cpuWindow, machine, waitForQuiet } from '../lib/machine.mjs';
import { openArquero } from './arquero.mjs';
import { openDuck } from './duckdb.mjs';
import { openPolars } from './polars.mjs';
import { openSluice } from './sluice.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.N ?? 1e7);
const TASKS = (process.env.TASKS ?? 'groupby,join').split(',');
const SYSTEMS = (process.env.SYSTEMS ?? 'duckdb,sluice,polars,arquero').split(',');
const PARTS = Number(process.env.PARTS ?? 8);
const ONLY = process.env.Q ? new Set(process.env.Q.split(',')) : undefined;
const log = (...a) => console.log(...a);
const fmt = (x, d = 2) => (x == null ? '–' : x.toFixed(d));

const OPENERS = {
  duckdb: () => openDuck(2),
  polars: () => openPolars(),
  arquero: () => openArquero(),
  sluice: () => openSluice(root, 'local[2]', PARTS),
};

/** Same answer: equal row counts, sums within 1e-6 relative (summation order differs). */
function agrees(a, ref) {
  if (a.rows !== ref.rows) return false;
  return a.sums.every((s, i) => {
    const r = ref.sums[i];
    if (s == null || r == null || Number.isNaN(s) || Number.isNaN(r)) return (s == null || Number.isNaN(s)) === (r == null || Number.isNaN(r));
    return Math.abs(s - r) <= 1e-6 * Math.max(1, Math.abs(r));
  });
}

async function runTask(task) {
  const questions = (task === 'groupby' ? GROUPBY_QUESTIONS : JOIN_QUESTIONS).filter((q) => !ONLY || ONLY.has(q.id));
  const t0 = performance.now();
  const tables = task === 'groupby' ? { x: h2oGroupBy(N) } : h2oJoin(N);
  const schemas = task === 'groupby' ? { x: GROUPBY_SCHEMA } : JOIN_SCHEMAS;
  log(`\n## ${task}, N=${N.toExponential(0)}: data generated in ${fmt((performance.now() - t0) / 1000)} s`);
  const results = {}; // system -> { load, times: {q: s}, chk: {q}, notes: {q} }
  for (const key of SYSTEMS) {
    let sys;
    try {
      sys = await OPENERS[key]();
    } catch (e) {
      log(`  ${key}: not run (${e.message})`);
      continue;
    }
    const r = (results[sys.name] = { times: {}, chk: {}, notes: {}, other: [] });
    try {
      await waitForQuiet();
      const endLoad = cpuWindow();
      await sys.load(tables, schemas);
      r.load = endLoad().wall;
      log(`  ${sys.name}: load ${fmt(r.load)} s`);
      for (const q of questions) {
        const skip = sys.skip?.[task]?.[q.id];
        if (skip) {
          r.notes[q.id] = skip;
          continue;
        }
        try {
          await sys.run(q, task); // first run: warm-up, not reported
          await waitForQuiet();
          const end = cpuWindow();
          await sys.run(q, task);
          const cpu = end();
          r.times[q.id] = cpu.wall;
          r.other.push(cpu.otherCores);
          r.chk[q.id] = await sys.check(q);
          log(`    ${q.id} ${fmt(cpu.wall, 3).padStart(8)} s  rows=${r.chk[q.id].rows} sums=${r.chk[q.id].sums.map((s) => fmt(s, 4)).join(',')}  others ${fmt(cpu.otherCores)} cores`);
        } catch (e) {
          r.notes[q.id] = `failed: ${e.message.split('\n')[0]}`;
          log(`    ${q.id} ${r.notes[q.id]}`);
        }
      }
    } finally {
      await sys.close();
    }
  }
  report(task, questions, results);
}

function report(task, questions, results) {
  const ref = results.DuckDB;
  const names = Object.keys(results);
  log(`\n### ${task} N=${N.toExponential(0)}: seconds (second run) and ratio to DuckDB (>1 = slower)`);
  log(`| question | ${names.join(' | ')} |`);
  log(`|---|${names.map(() => '---:').join('|')}|`);
  log(`| load | ${names.map((n) => `${fmt(results[n].load)}${ref?.load ? ` (${fmt(results[n].load / ref.load, 1)}×)` : ''}`).join(' | ')} |`);
  const bad = [];
  for (const q of questions) {
    const cells = names.map((n) => {
      const r = results[n];
      const t = r.times[q.id];
      if (t === undefined) return r.notes[q.id] ?? '–';
      const ok = !ref?.chk[q.id] || agrees(r.chk[q.id], ref.chk[q.id]);
      if (!ok) bad.push(`${n} ${q.id}: rows=${r.chk[q.id].rows} sums=${r.chk[q.id].sums} vs DuckDB rows=${ref.chk[q.id].rows} sums=${ref.chk[q.id].sums}`);
      const ratio = ref?.times[q.id] ? ` (${fmt(t / ref.times[q.id], 1)}×)` : '';
      return `${fmt(t, 3)}${ratio}${ok ? '' : ' **MISMATCH**'}`;
    });
    log(`| ${q.id} ${q.name} | ${cells.join(' | ')} |`);
  }
  log(`\ncheck vs DuckDB (row count and column sums): ${bad.length ? 'MISMATCH' : 'OK'}`);
  for (const b of bad) log(`  ${b}`);
  if (bad.length) process.exitCode = 1;
}

log(`# h2o db-benchmark  ${new Date().toISOString()}`);
log(`machine: ${machine()}`);
log(`systems: ${SYSTEMS.join(', ')}; DuckDB threads=2, sluice local[2] with ${PARTS} partitions per table`);
for (const task of TASKS) await runTask(task);
