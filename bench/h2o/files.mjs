// The h2o tables as files, as users meet them: each table is generated once from the seed
// (test/frame/oracle/h2o-data.ts), written as CSV here, and converted to Parquet by DuckDB (its
// default writer: Snappy, row groups of 122,880 rows, one string dictionary per row group). The
// Parquet columns keep the generator's types (INTEGER, DOUBLE, VARCHAR). Files live under
// bench/data/h2o/ (gitignored) and are reused by later runs.
//
//   node --import tsx bench/h2o/files.mjs groupby|join      # N=1e7 by default
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import { GROUPBY_SCHEMA, JOIN_SCHEMAS, h2oGroupBy, h2oJoin } from '../../test/frame/oracle/h2o-data.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const DUCK_TYPE = { int32: 'INTEGER', float64: 'DOUBLE', string: 'VARCHAR' };

/** Writes `cols` (columns of equal length, in `names` order) as a CSV file with a header, atomically. */
export function writeCsv(file, cols, names = Object.keys(cols)) {
  const n = cols[names[0]].length;
  const fd = fs.openSync(file + '.tmp', 'w');
  fs.writeSync(fd, names.join(',') + '\n');
  const CH = 100000;
  const cs = names.map((k) => cols[k]);
  for (let a = 0; a < n; a += CH) {
    let s = '';
    for (let i = a; i < Math.min(n, a + CH); i++) {
      for (let j = 0; j < cs.length; j++) s += (j ? ',' : '') + cs[j][i];
      s += '\n';
    }
    fs.writeSync(fd, s);
  }
  fs.closeSync(fd);
  fs.renameSync(file + '.tmp', file);
}

const tag = (n) => n.toExponential().replace('+', '');

/** Table names and schemas of a task. */
export const TASK_SCHEMAS = { groupby: { x: GROUPBY_SCHEMA }, join: JOIN_SCHEMAS };

/** `{ table: { csv, parquet } }` paths of a task's files at N rows (they may not exist yet). */
export function h2oFiles(task, n) {
  const dir = path.join(root, 'bench/data/h2o');
  const out = {};
  for (const name of Object.keys(TASK_SCHEMAS[task])) {
    const base = path.join(dir, `${task}-${tag(n)}-${name}`);
    out[name] = { csv: `${base}.csv`, parquet: `${base}.parquet` };
  }
  return out;
}

/** Writes the task's CSV and Parquet files unless they exist; returns their paths. */
export async function ensureH2oFiles(task, n) {
  const files = h2oFiles(task, n);
  const missing = Object.values(files).some((f) => !fs.existsSync(f.csv) || !fs.existsSync(f.parquet));
  if (!missing) return files;
  fs.mkdirSync(path.join(root, 'bench/data/h2o'), { recursive: true });
  const tables = task === 'groupby' ? { x: h2oGroupBy(n) } : h2oJoin(n);
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  try {
    for (const [name, schema] of Object.entries(TASK_SCHEMAS[task])) {
      const f = files[name];
      if (!fs.existsSync(f.csv)) writeCsv(f.csv, tables[name], Object.keys(schema));
      if (fs.existsSync(f.parquet)) continue;
      const cols = Object.entries(schema).map(([k, t]) => `'${k}': '${DUCK_TYPE[t]}'`).join(', ');
      await c.run(`COPY (SELECT * FROM read_csv('${f.csv}', header = true, columns = {${cols}})) TO '${f.parquet}.tmp' (FORMAT parquet)`);
      fs.renameSync(`${f.parquet}.tmp`, f.parquet);
    }
  } finally {
    c.closeSync();
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.env.N ?? 1e7);
  for (const task of process.argv.slice(2).length ? process.argv.slice(2) : ['groupby', 'join']) {
    const t0 = performance.now();
    const files = await ensureH2oFiles(task, n);
    console.log(`${task} N=${n}: ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    for (const f of Object.values(files)) for (const p of Object.values(f)) console.log(' ', p, (fs.statSync(p).size / 1e6).toFixed(0), 'MB');
  }
}
