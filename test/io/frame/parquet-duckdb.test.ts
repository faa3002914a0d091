/**
 * Parquet files written by DuckDB read back as DuckDB reads them: nulls, short and long unicode
 * strings, low-cardinality columns (dictionary pages) and unique ones (plain pages once the
 * dictionary stops paying), several row groups, data pages v1 and v2, each codec DuckDB writes
 * (uncompressed, Snappy, gzip, Zstandard). The page decoder (parquet-pages.ts) and hyparquet's value path must agree.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { Session } from '../../../src/index.js';
import { DuckOracle } from '../../frame/oracle/duckdb-oracle.js';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { readFileScan, type FileScanSpec } from '../../../src/io/frame/scan-reader.js';
import { zeroMetrics } from '../../../src/util/metrics.js';
import { rowsOf, scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();

/** A table of `n` rows with every fast-path type, nulls in every column (unless `nulls` is false), from a seed. */
function tableSql(n: number, seed: number, nulls = true): string {
  const h = (salt: number) => `hash(i * ${seed} + ${salt})`;
  const nul = (salt: number, expr: string) => (nulls ? `CASE WHEN ${h(salt)} % 7 = 0 THEN NULL ELSE ${expr} END` : expr);
  return `SELECT
    ${nul(1, `'k' || (${h(2)} % 20)::VARCHAR`)} AS low,
    ${nul(3, `'ünïque-' || i::VARCHAR || repeat('x', (${h(4)} % 30)::INTEGER)`)} AS high,
    ${nul(5, `(${h(6)} % 2000000)::INTEGER - 1000000`)} AS i32,
    ${nul(7, `(${h(8)} % 5)::INTEGER`)} AS i32low,
    ${nul(9, `(${h(10)} % 9007199254740991)::BIGINT - 4503599627370495`)} AS i64,
    ${nul(11, `(${h(12)} % 1000000)::DOUBLE / 1000`)} AS f64,
    ${nul(13, `(${h(14)} % 100)::FLOAT / 8`)} AS f32,
    ${nul(15, `''`)} AS empty
  FROM range(${n}) t(i)`;
}

const CODECS = ['uncompressed', 'snappy', 'gzip', 'zstd'];

for (const [codec, nulls] of [...CODECS.map((c) => [c, true] as const), ['snappy', false] as const]) {
  for (const version of ['V1', 'V2']) {
    test(`Parquet written by DuckDB (${codec}, pages ${version}, several row groups${nulls ? '' : ', no nulls'}) reads as DuckDB reads it`, async () => {
      const db = await DuckOracle.open();
      try {
        const p = path.join(dir, `t-${codec}-${version}-${nulls}.parquet`);
        await db.run(`CREATE TABLE t AS ${tableSql(5000, CODECS.indexOf(codec) + 3, nulls)}`);
        await db.run(`COPY t TO '${p}' (FORMAT parquet, COMPRESSION ${codec}, ROW_GROUP_SIZE 2048, PARQUET_VERSION ${version})`);
        const expected = await db.query(`SELECT * FROM read_parquet('${p}')`);
        const got = scanAll('parquet', p, { splitBytes: 1 });
        assert.ok(got.partitions > 1, 'several row groups, read as several units');
        assert.equal(got.rows.length, expected.length);
        for (let i = 0; i < expected.length; i++) {
          const e = expected[i]!;
          const g = got.rows[i]!;
          for (const k of Object.keys(e)) {
            const ev = e[k];
            const gv = g[k];
            if (typeof ev === 'number' && typeof gv === 'number' && k === 'f32') assert.equal(Math.fround(gv), Math.fround(ev), `row ${i} ${k}`);
            else assert.deepEqual(gv, ev, `row ${i} column ${k}`);
          }
        }
      } finally {
        db.close();
      }
    });
  }
}

test('a partition of several row groups gives string columns one shared dictionary, and the rows DuckDB reads', async () => {
  const db = await DuckOracle.open({ threads: 1 });
  try {
    const p = path.join(dir, 't-unified.parquet');
    await db.run(`CREATE TABLE u AS ${tableSql(20000, 11)}`);
    await db.run(`COPY u TO '${p}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
    const expected = await db.query(`SELECT low, high, i32 FROM read_parquet('${p}')`);
    const plan = planFileScan('parquet', p, {});
    assert.equal(plan.partitions.length, 1);
    assert.ok(plan.partitions[0]!.length >= 6, 'several row groups in the partition');
    const spec = { kind: 'files', format: 'parquet', options: {}, fileSchema: plan.fileSchema, projection: ['low', 'high', 'i32'], filters: [], partitions: plan.partitions } as FileScanSpec;
    const batches = [...readFileScan(spec, 0, { metrics: zeroMetrics() })];
    assert.ok(batches.length >= 6);
    for (const c of [0, 1]) assert.ok(batches.every((b) => b.columns[c]!.utf8 === batches[0]!.columns[c]!.utf8), `column ${c}: one dictionary`);
    assert.ok(batches[0]!.columns[0]!.utf8!.distinct, 'the low-cardinality column merged into a distinct dictionary');
    assert.deepEqual(batches.flatMap(rowsOf), expected);
  } finally {
    db.close();
  }
});

for (const master of ['inline', 'local[2]']) {
  test(`read.parquet of many row groups in several partitions gives DuckDB's rows and groups, ${master}`, async () => {
    const db = await DuckOracle.open({ threads: 1 });
    const s = await Session.local({ master });
    try {
      const p = path.join(dir, `t-session-${master}.parquet`);
      await db.run(`CREATE TABLE v AS ${tableSql(30000, 17)}`);
      await db.run(`COPY v TO '${p}' (FORMAT parquet, ROW_GROUP_SIZE 2048)`);
      const cols = 'low, high, i32, i64, f64, empty';
      const expected = await db.query(`SELECT ${cols} FROM read_parquet('${p}')`);
      // A split per few row groups: partitions of several row groups each, read by both workers.
      const df = s.read.parquet(p, { splitBytes: 64 * 1024 });
      assert.ok(df.toDataset().numPartitions > 2, 'several partitions');
      assert.deepEqual(await df.select(...cols.split(', ')).collect(), expected);
      const groups = await db.query(`SELECT low, count(*) AS n, sum(i32) AS s FROM read_parquet('${p}') GROUP BY low ORDER BY low NULLS FIRST`);
      const got = await s.sql(`SELECT low, count(*) AS n, sum(i32) AS s FROM '${p}' GROUP BY low ORDER BY low NULLS FIRST`).collect();
      assert.deepEqual(got, groups);
    } finally {
      await s.stop();
      db.close();
    }
  });
}
