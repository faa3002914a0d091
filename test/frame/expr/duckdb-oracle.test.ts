import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Expr } from '../../../src/frame/expr/expr-builder.js';
import * as F from '../../../src/frame/expr/functions.js';
import { batchOf, days, evalExpr } from './helpers.js';

/** Scalar expressions evaluated by sluice and by DuckDB over the same small table must agree. */

const { col, lit } = F;
const rows = [
  { k: 0, i: 7, f: 2.5, s: 'Hello World', d: '2024-02-29' },
  { k: 1, i: -7, f: -0.125, s: '  padded ', d: '1969-12-31' },
  { k: 2, i: null, f: null, s: null, d: null },
  { k: 3, i: 0, f: 3, s: 'a,b,,c', d: '2000-01-01' },
  { k: 4, i: 3, f: 0, s: 'Émile', d: '2023-07-04' },
  { k: 5, i: 12, f: 'nan', s: ' 42 ', d: '2024-01-07' },
];

const cases: [string, Expr][] = [
  ['i + 2', col('i').plus(2)],
  ['i / 2', col('i').divide(2)],
  ['f / i', col('f').divide(col('i'))],
  ['i % 3', col('i').mod(3)],
  ['f / 0', col('f').divide(0)],
  ['f % 0', col('f').mod(0)],
  ['i % 0', col('i').mod(0)],
  ["f = 'nan'::DOUBLE", col('f').eq(lit('nan').cast('double'))],
  ['5 % i', lit(5).mod(col('i'))],
  ['-f', col('f').negate()],
  ['i > f', col('i').gt(col('f'))],
  ['i > 0 AND f > 0', col('i').gt(0).and(col('f').gt(0))],
  ['i > 0 OR f > 0', col('i').gt(0).or(col('f').gt(0))],
  ['NOT (i > 0)', col('i').gt(0).not()],
  ['i IN (7, 0, NULL)', col('i').isin(7, 0, null)],
  ['i BETWEEN 0 AND 5', col('i').between(0, 5)],
  ['lower(s)', F.lower('s')],
  ['upper(s)', F.upper('s')],
  ['trim(s)', F.trim('s')],
  ['length(s)', F.length('s')],
  ['substring(s, 2, 3)', F.substring('s', 2, 3)],
  ['substring(s, -3)', F.substring('s', -3)],
  ["concat(s, '-', i)", F.concat('s', lit('-'), 'i')],
  ["s || '!'", col('s').concat('!')],
  ["regexp_extract(s, '([a-z]+)', 1)", F.regexpExtract('s', '([a-z]+)', 1)],
  ["split(s, ',')", F.split('s', ',')],
  ["s LIKE '%l%'", col('s').like('%l%')],
  ["s ILIKE 'h%'", col('s').ilike('h%')],
  ['abs(i)', F.abs('i')],
  ['round(f)', F.round('f')],
  ['round(f, 1)', F.round('f', 1)],
  ['floor(f)', F.floor('f')],
  ['ceil(f)', F.ceil('f')],
  ['pow(f, 2)', F.pow('f', 2)],
  ['greatest(i, f)', F.greatest('i', 'f')],
  ['least(i, f)', F.least('i', 'f')],
  ['coalesce(i, 42)', F.coalesce('i', lit(42))],
  ['year(d)', F.year('d')],
  ['month(d)', F.month('d')],
  ['day(d)', F.day('d')],
  // DuckDB numbers Sunday 0, Spark (and sluice) 1.
  ['dayofweek(d) + 1', F.dayOfWeek('d')],
  ['d + 1', col('d').plus(1)],
  ["d > '2000-01-01'", col('d').gt('2000-01-01')],
  ["CASE WHEN i > 0 THEN 'pos' WHEN i < 0 THEN 'neg' END", F.when(col('i').gt(0), 'pos').when(col('i').lt(0), 'neg')],
  ['TRY_CAST(f AS INTEGER)', col('f').cast('int')],
  ['CAST(i AS VARCHAR)', col('i').cast('string')],
  ['CAST(d AS VARCHAR)', col('d').cast('string')],
  ['TRY_CAST(s AS INTEGER)', col('s').cast('int')],
  ['TRY_CAST(f AS BIGINT)', col('f').cast('bigint')],
  ['TRY_CAST(f * 10 AS INTEGER)', col('f').multiply(10).cast('int')],
  ['i IS NULL', col('i').isNull()],
];

const js = (v: unknown): unknown => (typeof v === 'bigint' ? Number(v) : v);
const close = (a: unknown, b: unknown): boolean =>
  typeof a === 'number' && typeof b === 'number' ? Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(a)) : false;

test('sluice expressions agree with DuckDB', async () => {
  const db = await DuckDBInstance.create();
  const conn = await db.connect();
  const values = rows.map((r) => `(${r.k}, ${r.i ?? 'NULL'}, ${r.f === null ? 'NULL' : `'${r.f}'`}::DOUBLE, ${r.s === null ? 'NULL' : `'${r.s}'`}, ${r.d === null ? 'NULL' : `DATE '${r.d}'`})`);
  await conn.run(`CREATE TABLE t AS SELECT * FROM (VALUES ${values.join(', ')}) v(k, i, f, s, d)`);
  const batch = batchOf({
    i: ['int32', rows.map((r) => r.i)],
    f: ['float64', rows.map((r) => (r.f === 'nan' ? NaN : r.f))],
    s: ['string', rows.map((r) => r.s)],
    d: ['date', rows.map((r) => (r.d === null ? null : days(r.d)))],
  });
  const mismatches: string[] = [];
  for (const [sql, expr] of cases) {
    const reader = await conn.runAndReadAll(`SELECT ${sql} AS r FROM t ORDER BY k`);
    const expected = reader.getRowObjectsJS().map((o) => js(o.r));
    const got = evalExpr(expr, batch);
    const same = got.length === expected.length && got.every((g, k) => close(g, expected[k]) || isEqual(g, expected[k]));
    if (!same) mismatches.push(`${sql}: sluice ${JSON.stringify(got)} duckdb ${JSON.stringify(expected)}`);
  }
  conn.closeSync();
  assert.deepEqual(mismatches, []);
});

function isEqual(a: unknown, b: unknown): boolean {
  try {
    assert.deepEqual(a, b);
    return true;
  } catch {
    return false;
  }
}
