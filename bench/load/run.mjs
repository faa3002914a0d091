// Load speed: the h2o groupby table G1 read from CSV, JSON lines, Parquet and Arrow IPC into memory,
// sluice (read.<format>(path).cache().count(), local[2]) vs DuckDB (CREATE TABLE AS SELECT * FROM
// read_<format>, 2 threads) vs nodejs-polars (read<Format>), one run, same files. Each load runs
// RUNS times, the systems taking turns; medians and ratios to DuckDB are printed as a markdown table. The machine is shared:
// compare ratios within one run, not times across runs.
//
//   npm run build && node --import tsx bench/load/run.mjs      # N=1e6; N=1e7 for the big files
//
// Env: N (rows), RUNS (3), FORMATS=csv,json,parquet,arrow, SYSTEMS=sluice,duckdb,polars
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import pl from 'nodejs-polars';
import { cpuWindow, machine, median } from '../lib/machine.mjs';
import { ensureLoadFiles } from './gen.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.N ?? 1e6);
const RUNS = Number(process.env.RUNS ?? 3);
const FORMATS = (process.env.FORMATS ?? 'csv,json,parquet,arrow').split(',');
const SYSTEMS = (process.env.SYSTEMS ?? 'sluice,duckdb,polars').split(',');
const files = await ensureLoadFiles(N, FORMATS);
const fileOf = { csv: files.csv, json: files.json, parquet: files.parquet, arrow: files.arrow };

async function sluiceLoads() {
  const api = await import(pathToFileURL(path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js')).href);
  const s = await api.Session.local({ master: 'local[2]' });
  const method = { csv: 'csv', json: 'jsonLines', parquet: 'parquet', arrow: 'arrow' };
  return {
    async load(fmt) {
      const df = s.read[method[fmt]](fileOf[fmt]).cache();
      const n = await df.count();
      df.unpersist();
      return n;
    },
    close: () => s.stop(),
  };
}

async function duckLoads() {
  const db = await DuckDBInstance.create(':memory:', { threads: '2' });
  const c = await db.connect();
  const fn = { csv: 'read_csv', json: 'read_json', parquet: 'read_parquet' };
  return {
    async load(fmt) {
      if (!fn[fmt]) return null; // DuckDB reads no Arrow IPC files without a downloaded extension
      await c.run(`CREATE OR REPLACE TABLE t AS SELECT * FROM ${fn[fmt]}('${fileOf[fmt]}')`);
      const r = await c.runAndReadAll('SELECT count(*)::INTEGER AS n FROM t');
      const n = r.getRowObjects()[0].n;
      await c.run('DROP TABLE t');
      return n;
    },
    close: () => c.closeSync(),
  };
}

async function polarsLoads() {
  const read = {
    csv: () => pl.readCSV(fileOf.csv),
    json: () => pl.scanJson(fileOf.json).collectSync(), // readJSON's 'lines' reader is missing from the 0.24.1 binding
    parquet: () => pl.readParquet(fileOf.parquet),
    arrow: () => pl.scanIPC(fileOf.arrow).collectSync(), // readIPC takes a path not ending in .ipc for inline data
  };
  return { load: async (fmt) => read[fmt]().height, close: () => {} };
}

const makers = { sluice: sluiceLoads, duckdb: duckLoads, polars: polarsLoads };
const times = {};
console.log(`# load speed, h2o G1 N=${N.toExponential()}, ${machine()}`);
// Systems take turns within each run of each format, so that load from other processes on this
// shared machine falls on all of them alike.
const loaders = {};
for (const sys of SYSTEMS) loaders[sys] = await makers[sys]();
const samples = {};
// CPU seconds of this process (sluice's workers are its threads, DuckDB's too): steadier than wall time under load.
const cpuSamples = {};
for (const fmt of FORMATS) {
  for (let r = 0; r < RUNS; r++) {
    for (const sys of SYSTEMS) {
      const end = cpuWindow();
      const n = await loaders[sys].load(fmt);
      if (n === null) continue;
      if (n !== N) throw new Error(`${sys} ${fmt}: ${n} rows, expected ${N}`);
      const w = end();
      (samples[`${sys} ${fmt}`] ??= []).push(w.wall);
      (cpuSamples[`${sys} ${fmt}`] ??= []).push(w.own);
      console.log(`  ${fmt} run ${r + 1} ${sys}: ${w.wall.toFixed(2)} s, CPU ${w.own.toFixed(2)} s (other processes: ${w.otherCores.toFixed(2)} cores)`);
    }
  }
}
for (const sys of SYSTEMS) await loaders[sys].close();
for (const [k, ts] of Object.entries(samples)) times[k] = { med: median(ts), cpu: median(cpuSamples[k]) };
const f = (x) => (x == null ? '–' : x.med.toFixed(2));
const ratio = (a, b) => (a && b ? (a.med / b.med).toFixed(2) + '×' : '–');
console.log(`\n| format | sluice (s) | DuckDB (s) | Polars (s) | sluice / DuckDB | sluice / Polars |\n|---|---:|---:|---:|---:|---:|`);
for (const fmt of FORMATS) {
  const [s, d, p] = ['sluice', 'duckdb', 'polars'].map((k) => times[`${k} ${fmt}`]);
  console.log(`| ${fmt} | ${f(s)} | ${f(d)} | ${f(p)} | ${ratio(s, d)} | ${ratio(s, p)} |`);
}
const cpuOf = (x) => (x == null ? '–' : x.cpu.toFixed(2));
const cpuRatio = (a, b) => (a && b ? (a.cpu / b.cpu).toFixed(2) + '×' : '–');
console.log(`\nCPU seconds (medians):\n\n| format | sluice | DuckDB | Polars | sluice / DuckDB |\n|---|---:|---:|---:|---:|`);
for (const fmt of FORMATS) {
  const [s, d, p] = ['sluice', 'duckdb', 'polars'].map((k) => times[`${k} ${fmt}`]);
  console.log(`| ${fmt} | ${cpuOf(s)} | ${cpuOf(d)} | ${cpuOf(p)} | ${cpuRatio(s, d)} |`);
}
