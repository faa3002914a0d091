// Many partitions, many files: how the time of a tiny job grows with its partition count P and
// its file count N. Work per task should be constant, so the curves should be straight lines.
//
//   npm run build && node bench/partitions.mjs
//
// - reduceByKey: parallelize(100 pairs, P).reduceByKey(+).collect()   (P map tasks, P reduce tasks)
// - DataFrame groupBy: createDataFrame(100 rows, P partitions).groupBy(k).agg(sum) with P shuffle partitions
// - textFile count over N one-line files (listing and split planning included)
// - read.csv / read.jsonLines count over N one-row files (CSV: a header and a row), files packed into
//   partitions with the default open cost (256 KiB per file: 128 tiny files per partition); read.csv
//   also with OPEN_COST (bytes, default 4 MiB, Spark's default: 8 per partition) to show the option
// Files are written once under bench/data/many-files/ and reused.
// Each run prints the machine's load average (1 min) beside its wall and CPU time: the machine is shared.
//
// Env: MASTER=local[2] PS=100,300,1000,3000,10000 NS=1000,10000,100000 RUNS=3 OPEN_COST=4194304
//      REPEAT_MAX_S=10 (a case slower than this runs once) QUIET_MAX_S=5 SLUICE=dist/src/index.js
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuWindow, machine, median, waitForQuiet } from './lib/machine.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { Session, sum } = await import(pathToFileURL(path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js')).href);

const MASTER = process.env.MASTER ?? 'local[2]';
const list = (v, d) => (v ?? d).split(',').filter(Boolean).map(Number);
const PS = list(process.env.PS, '100,300,1000,3000,10000');
const NS = list(process.env.NS, '1000,10000,100000');
const RUNS = Number(process.env.RUNS ?? 3);
const REPEAT_MAX_S = Number(process.env.REPEAT_MAX_S ?? 10);
const OPEN_COST = Number(process.env.OPEN_COST ?? 4 * 1024 * 1024);
const QUIET_MAX_S = Number(process.env.QUIET_MAX_S ?? 5);
const dataDir = path.join(root, 'bench/data/many-files');

/** `n` small files of one format in their own folder (written once). */
function files(kind, n) {
  const dir = path.join(dataDir, `${kind}-${n}`);
  const done = path.join(dataDir, `.${kind}-${n}.done`);
  if (fs.existsSync(done)) return dir;
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (let i = 0; i < n; i++) {
    const name = path.join(dir, `f${String(i).padStart(6, '0')}`);
    if (kind === 'text') fs.writeFileSync(`${name}.txt`, `line ${i}\n`);
    else if (kind === 'csv') fs.writeFileSync(`${name}.csv`, `k,v\n${i % 10},${i}\n`);
    else fs.writeFileSync(`${name}.jsonl`, `{"k":${i % 10},"v":${i}}\n`);
  }
  fs.writeFileSync(done, '');
  return dir;
}

const s = await Session.local({ master: MASTER });
const pairs = Array.from({ length: 100 }, (_, i) => [i % 10, i]);
const rows = pairs.map(([k, v]) => ({ k, v }));

const cases = [];
for (const p of PS) {
  cases.push({ curve: 'reduceByKey, 100 records', x: `P = ${p}`, expect: 10, run: async () => (await s.parallelize(pairs, p).reduceByKey((a, b) => a + b).collect()).length });
  cases.push({
    curve: 'DataFrame groupBy, 100 rows',
    x: `P = ${p}`,
    expect: 10,
    run: async () => {
      s.setShufflePartitions(p);
      return (await s.createDataFrame(rows, { numPartitions: p }).groupBy('k').agg(sum('v').as('s')).collect()).length;
    },
  });
}
for (const n of NS) {
  cases.push({ curve: 'textFile count, one-line files', x: `N = ${n}`, expect: n, prepare: () => files('text', n), run: (dir) => s.textFile(dir).count() });
  cases.push({ curve: 'read.csv count, one-row files', x: `N = ${n}`, expect: n, prepare: () => files('csv', n), run: (dir) => s.read.csv(dir).count() });
  cases.push({ curve: `read.csv count, one-row files, openCostBytes ${OPEN_COST}`, x: `N = ${n}`, expect: n, prepare: () => files('csv', n), run: (dir) => s.read.csv(dir, { openCostBytes: OPEN_COST }).count() });
  cases.push({ curve: 'read.jsonLines count, one-row files', x: `N = ${n}`, expect: n, prepare: () => files('json', n), run: (dir) => s.read.jsonLines(dir).count() });
}

console.log(`# partitions and files  ${new Date().toISOString()}`);
console.log(`machine: ${machine()}; master ${MASTER}; up to ${RUNS} runs per case (one when a run takes over ${REPEAT_MAX_S} s)`);
const results = [];
for (const c of cases) {
  const arg = c.prepare?.();
  const runs = [];
  for (let i = 0; i < RUNS; i++) {
    await waitForQuiet({ maxWaitS: QUIET_MAX_S });
    const end = cpuWindow();
    const got = await c.run(arg);
    const w = { ...end(), load: os.loadavg()[0] };
    if (got !== c.expect) throw new Error(`${c.curve} ${c.x}: got ${got}, expected ${c.expect}`);
    runs.push(w);
    console.log(`  ${c.curve}, ${c.x}: ${w.wall.toFixed(2)} s (cpu ${w.own.toFixed(2)} s; others used ${w.otherCores.toFixed(2)} cores; load ${w.load.toFixed(1)})`);
    if (w.wall > REPEAT_MAX_S) break;
  }
  results.push({ ...c, runs });
}
await s.stop();

console.log('\n| curve | size | wall s (median) | runs | CPU s of sluice (median) | others\' cores (median) | load avg (median) |');
console.log('|---|---|---:|---|---:|---:|---:|');
for (const r of results) {
  const m = (k) => median(r.runs.map((x) => x[k]));
  console.log(`| ${r.curve} | ${r.x} | ${m('wall').toFixed(2)} | ${r.runs.map((x) => x.wall.toFixed(2)).join(', ')} | ${m('own').toFixed(2)} | ${m('otherCores').toFixed(2)} | ${m('load').toFixed(1)} |`);
}
