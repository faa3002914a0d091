/**
 * SQL that users write (issue 10: SQLLogicTest-style queries that failed or answered wrongly with
 * the previous parser), each run on sluice and on DuckDB over the same generated tables.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/index.js';
import type { ScalarType } from '../../src/frame/types.js';
import { DuckOracle, assertRowsEqual } from '../frame/oracle/duckdb-oracle.js';
import { ORACLE_MASTERS } from '../frame/oracle/oracle-masters.js';
import { Rng } from '../frame/oracle/random.js';
import { USER_SQL_CASES } from './user-sql-cases.js';

const SCHEMA: Record<string, ScalarType> = { pk: 'int32', col0: 'int32', col1: 'float64', col3: 'int32', col4: 'float64', s: 'string' };

/** A SQLLogicTest-like table: small values so that equalities hit, about one null in six. */
function table(seed: number, rows: number): Record<string, unknown[]> {
  const rng = new Rng(seed);
  const maybe = (v: () => unknown): unknown[] => Array.from({ length: rows }, () => (rng.float() < 0.17 ? null : v()));
  return {
    pk: Array.from({ length: rows }, (_, i) => i),
    col0: maybe(() => rng.below(10)),
    col1: maybe(() => [3.2, 4.37, 5.5, 1, 7.25][rng.below(5)]),
    col3: maybe(() => rng.below(8)),
    col4: maybe(() => Math.round(rng.float() * 1000) / 100),
    s: maybe(() => ['a', 'b', 'c'][rng.below(3)]),
  };
}

for (const master of ORACLE_MASTERS) describe(`user SQL on ${master} vs DuckDB`, () => {
  let s: Session | undefined;
  let db: DuckOracle | undefined;
  before(async () => {
    s = await Session.local({ master });
    db = await DuckOracle.open({ threads: 1 });
    for (const [i, name] of ['t', 't0', 't1', 't2'].entries()) {
      const data = table(7 + i, name === 't' ? 40 : 12);
      s.createDataFrame(data, { schema: SCHEMA, numPartitions: 2 }).createOrReplaceTempView(name);
      await db.load(name, data, SCHEMA);
    }
    for (const [name, k] of [['one', [1]], ['two', [2, 3]]] as const) {
      s.createDataFrame({ k: [...k] }, { schema: { k: 'int32' } }).createOrReplaceTempView(name);
      await db.load(name, { k: [...k] }, { k: 'int32' });
    }
  });
  after(async () => {
    await s?.stop();
    db?.close();
  });
  test('repeated output names are allowed and kept by position (SELECT 38 AS c, -col0 AS c)', async () => {
    const df = s!.sql('SELECT 38 AS c, -col0 AS c, col1 AS c FROM t');
    assert.deepEqual(df.columns, ['c', 'c', 'c']);
    const table = await df.toArrow();
    const rows = Array.from({ length: table.numRows }, (_, i) => ({ c: table.getChildAt(0)!.get(i), c1: table.getChildAt(1)!.get(i), c2: table.getChildAt(2)!.get(i) }));
    assertRowsEqual(rows, await db!.query('SELECT 38 AS c, -col0 AS c1, col1 AS c2 FROM t'), { ordered: false });
  });
  test('INTERSECT and EXCEPT match rows by position when a side repeats a name, and keep the left names', async () => {
    for (const [ours, duck] of [
      ['SELECT col3 AS c, col0 AS c FROM t INTERSECT SELECT col0, col3 FROM t1', 'SELECT col3 AS p0, col0 AS p1 FROM t INTERSECT SELECT col0, col3 FROM t1'],
      ['SELECT col0 AS a, col3 AS b FROM t EXCEPT SELECT col3 AS c, col0 AS c FROM t2', 'SELECT col0 AS p0, col3 AS p1 FROM t EXCEPT SELECT col3, col0 FROM t2'],
    ] as const) {
      const df = s!.sql(ours);
      assert.deepEqual(df.columns, ours.startsWith('SELECT col3 AS c') ? ['c', 'c'] : ['a', 'b']);
      const table = await df.toArrow();
      const rows = Array.from({ length: table.numRows }, (_, i) => ({ p0: table.getChildAt(0)!.get(i), p1: table.getChildAt(1)!.get(i) }));
      assertRowsEqual(rows, await db!.query(duck), { ordered: false }, ours);
      assert.ok(rows.length > 0, `${ours}: some rows`);
    }
  });
  test('correlated subqueries with every join shuffled (none broadcast) give the same answers', async () => {
    const frames = (s as unknown as { frames: { broadcastThresholdBytes: number } }).frames;
    const before = frames.broadcastThresholdBytes;
    frames.broadcastThresholdBytes = -1;
    try {
      const cases = USER_SQL_CASES.filter((c) => /correlated/i.test(c.name) && typeof c.sql === 'string');
      assert.ok(cases.length >= 10, `${cases.length} cases`);
      for (const c of cases) assertRowsEqual(await s!.sql(c.sql as string).collect(), await db!.query(c.sql as string), { ordered: false }, c.name);
    } finally {
      frames.broadcastThresholdBytes = before;
    }
  });
  for (const c of USER_SQL_CASES) {
    test(c.name, async () => {
      const [ours, duck] = typeof c.sql === 'string' ? [c.sql, c.sql] : [c.sql.sluice, c.sql.duck];
      assertRowsEqual(await s!.sql(ours).collect(), await db!.query(duck), { ordered: false }, ours);
    });
  }
});
