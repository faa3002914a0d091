// One system's side of the h2o benchmark, in a process of its own (as db-benchmark runs each
// solution): generates the task's tables from the seed, loads them, runs every question twice and
// times the second run, then prints its results as one JSON line prefixed RESULT for run.mjs.
//
//   node --import tsx bench/h2o/run-system.mjs <groupby|join> <duckdb|sluice|polars|arquero>
//
// Env as run.mjs (N, PARTS, Q, SLUICE).
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUPBY_SCHEMA, JOIN_SCHEMAS, h2oGroupBy, h2oJoin } from '../../test/frame/oracle/h2o-data.ts';
import { GROUPBY_QUESTIONS, JOIN_QUESTIONS } from '../../test/frame/oracle/h2o-questions.ts';
import { cpuWindow, waitForQuiet } from '../lib/machine.mjs';
import { openArquero } from './arquero.mjs';
import { openDuck } from './duckdb.mjs';
import { openPolars } from './polars.mjs';
import { openSluice } from './sluice.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [task, key] = process.argv.slice(2);
const N = Number(process.env.N ?? 1e7);
const PARTS = Number(process.env.PARTS ?? 8);
const ONLY = process.env.Q ? new Set(process.env.Q.split(',')) : undefined;
const fmt = (x, d = 2) => (x == null ? '–' : x.toFixed(d));

const OPENERS = {
  duckdb: () => openDuck(2),
  polars: () => openPolars(),
  arquero: () => openArquero(),
  sluice: () => openSluice(root, 'local[2]', PARTS),
};
if (!OPENERS[key] || (task !== 'groupby' && task !== 'join')) throw new Error(`usage: run-system.mjs <groupby|join> <${Object.keys(OPENERS).join('|')}>`);

const questions = (task === 'groupby' ? GROUPBY_QUESTIONS : JOIN_QUESTIONS).filter((q) => !ONLY || ONLY.has(q.id));
const r = { times: {}, chk: {}, notes: {}, other: [] };
let sys;
try {
  sys = await OPENERS[key]();
} catch (e) {
  console.log(`  ${key}: not run (${e.message})`);
  process.exit(0);
}
r.name = sys.name;
try {
  const t0 = performance.now();
  let tables = task === 'groupby' ? { x: h2oGroupBy(N) } : h2oJoin(N);
  console.log(`  ${sys.name}: data generated in ${fmt((performance.now() - t0) / 1000)} s`);
  const schemas = task === 'groupby' ? { x: GROUPBY_SCHEMA } : JOIN_SCHEMAS;
  await waitForQuiet();
  const endLoad = cpuWindow();
  await sys.load(tables, schemas);
  r.load = endLoad().wall;
  tables = null; // what the system keeps of the input (Arquero: the arrays themselves) stays alive through it
  console.log(`  ${sys.name}: load ${fmt(r.load)} s`);
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
      console.log(`    ${q.id} ${fmt(cpu.wall, 3).padStart(8)} s  rows=${r.chk[q.id].rows} sums=${r.chk[q.id].sums.map((s) => fmt(s, 4)).join(',')}  others ${fmt(cpu.otherCores)} cores`);
    } catch (e) {
      r.notes[q.id] = `failed: ${e.message.split('\n')[0]}`;
      console.log(`    ${q.id} ${r.notes[q.id]}`);
    }
  }
} finally {
  await sys.close();
}
console.log(`RESULT ${JSON.stringify(r)}`);
