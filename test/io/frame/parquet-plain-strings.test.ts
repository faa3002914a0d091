/**
 * String columns stored PLAIN (writers fall back to it once a column's dictionary stops paying: ids)
 * are coded from the page bytes into one dictionary per column and partition (parquet-strings.ts).
 * Checked against DuckDB's reading of files written by DuckDB and by hyparquet-writer: nulls,
 * unicode, empty strings, several row groups, a column that switches from dictionary to PLAIN pages,
 * each codec.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { parquetWriteFile } from 'hyparquet-writer';
import { dictHandle } from '../../../src/frame/batch/utf8-dict.js';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { readFileScan, type FileScanSpec } from '../../../src/io/frame/scan-reader.js';
import { zeroMetrics } from '../../../src/util/metrics.js';
import { DuckOracle } from '../../frame/oracle/duckdb-oracle.js';
import { rowsOf, scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();

/** `n` rows: `id` unique strings (nulls, unicode, lengths 0–40), `flip` low-cardinality in its first half and unique after. */
function tableSql(n: number, seed: number): string {
  const h = (salt: number) => `hash(i * ${seed} + ${salt})`;
  return `SELECT
    CASE WHEN ${h(1)} % 9 = 0 THEN NULL WHEN ${h(2)} % 50 = 0 THEN '' ELSE 'id-ø' || i::VARCHAR || repeat('é', (${h(3)} % 20)::INTEGER) END AS id,
    CASE WHEN ${h(4)} % 11 = 0 THEN NULL WHEN i < ${n / 2} THEN 'k' || (${h(5)} % 7)::VARCHAR ELSE 'u' || i::VARCHAR END AS flip,
    i::INTEGER AS i
  FROM range(${n}) t(i)`;
}

/** Reads partition 0 of a one-partition scan of `p`: its batches. */
function readOnePartition(p: string): ColumnBatch[] {
  const plan = planFileScan('parquet', p, {});
  assert.equal(plan.partitions.length, 1);
  const spec = { kind: 'files', format: 'parquet', options: {}, fileSchema: plan.fileSchema, projection: null, filters: [], partitions: plan.partitions } as FileScanSpec;
  return [...readFileScan(spec, 0, { metrics: zeroMetrics() })];
}

for (const codec of ['uncompressed', 'snappy', 'zstd']) {
  test(`PLAIN string pages written by DuckDB (${codec}) read as DuckDB reads them, into one distinct dictionary per partition`, async () => {
    const db = await DuckOracle.open({ threads: 1 });
    try {
      const p = path.join(dir, `plain-${codec}.parquet`);
      // More distinct ids than a merge of per-row-group dictionaries would dedupe (MERGE_PROBE).
      const n = 150_000;
      await db.run(`COPY (${tableSql(n, 7)}) TO '${p}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 10240)`);
      const enc = await db.query(`SELECT path_in_schema AS c, encodings AS e FROM parquet_metadata('${p}') WHERE path_in_schema IN ('id', 'flip')`);
      assert.ok(enc.some((r) => r.c === 'id' && !String(r.e).includes('DICTIONARY')), `some id chunk is PLAIN only: ${JSON.stringify(enc)}`);
      const flip = enc.filter((r) => r.c === 'flip').map((r) => String(r.e));
      assert.ok(flip.some((e) => e.includes('DICTIONARY')) && flip.some((e) => !e.includes('DICTIONARY')), `flip has dictionary and PLAIN chunks: ${flip}`);
      const expected = await db.query(`SELECT * FROM read_parquet('${p}')`);
      const [{ ids }] = (await db.query(`SELECT count(DISTINCT id)::INTEGER AS ids FROM read_parquet('${p}')`)) as [{ ids: number }];

      const batches = readOnePartition(p);
      assert.ok(batches.length > 10, 'several row groups');
      assert.deepEqual(batches.flatMap(rowsOf), expected);
      for (const c of [0, 1]) assert.ok(batches.every((b) => dictHandle(b.columns[c]!) === dictHandle(batches[0]!.columns[c]!)), `column ${c}: one dictionary`);
      const idDict = batches[0]!.columns[0]!.utf8!;
      assert.ok(idDict.distinct, 'the ids coded into one distinct dictionary');
      assert.equal(idDict.length, ids, 'each id once');

      // Many partitions (one row group each): the same rows.
      const split = scanAll('parquet', p, { splitBytes: 1 });
      assert.ok(split.partitions > 10);
      assert.deepEqual(split.rows, expected);
    } finally {
      db.close();
    }
  });
}

for (const codec of ['UNCOMPRESSED', 'SNAPPY'] as const) {
  test(`strings written by hyparquet-writer (${codec}, PLAIN and dictionary, nulls, several row groups) read as DuckDB reads them`, async () => {
    const n = 5000;
    const plain: (string | null)[] = [];
    const dict: (string | null)[] = [];
    for (let i = 0; i < n; i++) {
      plain.push(i % 13 === 0 ? null : i % 17 === 0 ? '' : `p${(i * 7919) % 3001}-ü${'x'.repeat(i % 23)}`);
      dict.push(i % 5 === 0 ? null : `d${i % 9}`);
    }
    const p = path.join(dir, `hw-${codec}.parquet`);
    parquetWriteFile({
      filename: p,
      codec,
      rowGroupSize: 1200,
      columnData: [
        { name: 'plain', data: plain, type: 'STRING', encoding: 'PLAIN' },
        { name: 'dict', data: dict, type: 'STRING' },
      ],
    });
    const db = await DuckOracle.open({ threads: 1 });
    try {
      const expected = await db.query(`SELECT * FROM read_parquet('${p}')`);
      assert.equal(expected.length, n);
      const batches = readOnePartition(p);
      assert.deepEqual(batches.flatMap(rowsOf), expected);
      assert.ok(batches.every((b) => dictHandle(b.columns[0]!) === dictHandle(batches[0]!.columns[0]!)), 'one dictionary for the PLAIN column');
      assert.deepEqual(scanAll('parquet', p, { splitBytes: 1 }).rows, expected);
    } finally {
      db.close();
    }
  });
}
