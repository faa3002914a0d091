/**
 * `groupBy(...).avg()` (and sum, mean, min, max) without column names aggregates every numeric
 * column (int32, int64, float64; grouping keys included), as Spark does; checked against DuckDB.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Session } from '../../../src/index.js';
import type { ScalarType } from '../../../src/frame/types.js';
import { DuckOracle, assertRowsEqual } from './duckdb-oracle.js';
import { ORACLE_MASTERS } from './oracle-masters.js';
import { Rng } from './random.js';

const SCHEMA: Record<string, ScalarType> = { g: 'string', k: 'int32', i: 'int32', l: 'int64', f: 'float64', s: 'string', b: 'bool', d: 'date' };
const NUMERIC = ['k', 'i', 'l', 'f'];
const SQL_FN = { sum: 'sum', avg: 'avg', mean: 'avg', min: 'min', max: 'max' } as const;

function table(rng: Rng, n: number): Record<string, unknown[]> {
  const maybe = <T>(v: () => T) => () => (rng.float() < 0.2 ? null : v());
  const col = (f: () => unknown) => Array.from({ length: n }, f);
  return {
    g: col(maybe(() => `g${rng.below(4)}`)),
    k: col(() => rng.below(3)),
    i: col(maybe(() => rng.below(200) - 100)),
    l: col(maybe(() => rng.below(1e9) * 1000)),
    f: col(maybe(() => Math.round(rng.float() * 1e4) / 100)),
    s: col(maybe(() => `s${rng.below(5)}`)),
    b: col(maybe(() => rng.float() < 0.5)),
    d: col(maybe(() => rng.below(20000))),
  };
}

for (const master of ORACLE_MASTERS) describe(`GroupedData shortcuts without column names use every numeric column (${master})`, () => {
  let s: Session;
  let db: DuckOracle;
  before(async () => {
    s = await Session.local({ master });
    db = await DuckOracle.open({ threads: 1 });
  });
  after(async () => {
    await s?.stop();
    db?.close();
  });

  test('sum, avg, mean, min and max of no columns match DuckDB over every numeric column', async () => {
    const rng = new Rng(11);
    for (const [n, parts] of [[0, 1], [1, 2], [50, 3], [3000, 4]] as const) {
      const data = table(rng, n);
      const schema = SCHEMA;
      const df = s.createDataFrame(data, { schema, numPartitions: parts });
      await db.load('t', data, schema);
      for (const fn of ['sum', 'avg', 'mean', 'min', 'max'] as const) {
        const cols = (keys: string[]) => [...keys.map((k) => `"${k}"`), ...NUMERIC.map((c) => `${SQL_FN[fn]}(${c}) AS "${SQL_FN[fn]}(${c})"`)].join(', ');
        for (const keys of [[], ['g'], ['g', 'k']]) {
          const group = keys.length ? ` GROUP BY ${keys.map((k) => `"${k}"`).join(', ')}` : '';
          const expected = await db.query(`SELECT ${cols(keys)} FROM t${group}`);
          assertRowsEqual(await df.groupBy(...keys)[fn]().collect(), expected, { ordered: false }, `${fn}() by [${keys}] over ${n} rows`);
        }
        // Named columns still aggregate just those.
        const [one] = await db.query(`SELECT ${SQL_FN[fn]}(f) AS "${SQL_FN[fn]}(f)" FROM t`);
        assertRowsEqual(await df.groupBy()[fn]('f').collect(), [one!], { ordered: true }, `${fn}('f')`);
      }
    }
  });

  test('without numeric columns: the groups alone (one row for no keys)', async () => {
    const df = s.createDataFrame({ g: ['a', 'b', 'a'], s: ['x', 'y', 'z'] }, { numPartitions: 2 });
    for (const fn of ['sum', 'avg', 'mean', 'min', 'max'] as const) {
      const groups = (await df.groupBy('g')[fn]().collect()).map((r) => r.g).sort();
      assert.deepEqual(groups, ['a', 'b']);
      assert.deepEqual(await df.groupBy()[fn]().collect(), [{}]);
    }
  });
});
