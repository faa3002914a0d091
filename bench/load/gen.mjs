// Writes the h2o groupby table G1 (N rows, k = 100, no NAs) as the files the load benchmark reads:
// CSV (written here), then Parquet and JSON lines (DuckDB, from the CSV) and Arrow IPC (Polars, from
// the CSV: Utf8View strings, as users get from Polars). Files go to bench/data/ and are reused.
//
//   node --import tsx bench/load/gen.mjs       # N=1e6 by default; N=1e7 for the big one
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DuckDBInstance } from '@duckdb/node-api';
import pl from 'nodejs-polars';
import { GROUPBY_SCHEMA, h2oGroupBy } from '../../test/frame/oracle/h2o-data.ts';
import { writeCsv } from '../h2o/files.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Paths of the G1 files at N rows. */
export function loadFiles(n) {
  const base = path.join(root, 'bench/data', `G1_${n.toExponential().replace('+', '')}`);
  return { csv: `${base}.csv`, parquet: `${base}.parquet`, json: `${base}.jsonl`, arrow: `${base}.arrow` };
}

/** Writes the missing files of `formats` (all four by default); the CSV is always written, the others come from it. */
export async function ensureLoadFiles(n, formats = ['csv', 'json', 'parquet', 'arrow']) {
  fs.mkdirSync(path.join(root, 'bench/data'), { recursive: true });
  const f = loadFiles(n);
  if (!fs.existsSync(f.csv)) writeCsv(f.csv, h2oGroupBy(n), Object.keys(GROUPBY_SCHEMA));
  const db = await DuckDBInstance.create(':memory:');
  const c = await db.connect();
  if (formats.includes('parquet') && !fs.existsSync(f.parquet)) await c.run(`COPY (SELECT * FROM read_csv('${f.csv}')) TO '${f.parquet}' (FORMAT parquet)`);
  if (formats.includes('json') && !fs.existsSync(f.json)) await c.run(`COPY (SELECT * FROM read_csv('${f.csv}')) TO '${f.json}' (FORMAT json)`);
  c.closeSync();
  if (formats.includes('arrow') && !fs.existsSync(f.arrow)) pl.readCSV(f.csv).writeIPC(f.arrow);
  return f;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const n = Number(process.env.N ?? 1e6);
  const f = await ensureLoadFiles(n);
  for (const p of Object.values(f)) console.log(p, (fs.statSync(p).size / 1e6).toFixed(0), 'MB');
}
