/**
 * Queries whose plans carry batches without columns (`count(*)` over a join, `SELECT 94 FROM a, b`,
 * `df.select()`), on generated tables of various sizes and partition counts, compared with DuckDB
 * (or with the row counts the DataFrame API must give). Each table pair runs twice: with broadcast
 * joins and the default budget, and with shuffled joins and a budget so small that shuffle blocks
 * and cached partitions spill to disk.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Session, col, count, lit, type DataFrame } from '../../../src/index.js';
import type { JoinHow } from '../../../src/api/frame/verbs.js';
import { DuckOracle, assertRowsEqual } from './duckdb-oracle.js';
import { ORACLE_MASTERS } from './oracle-masters.js';
import { Rng } from './random.js';

interface Pair {
  na: number;
  nb: number;
  pa: number;
  pb: number;
}

/** Corner cases (empty, one row) and random sizes; the last pair's joins exceed one 64k-row batch. */
function pairs(): Pair[] {
  const rng = new Rng(2024);
  const out: Pair[] = [
    { na: 0, nb: 4, pa: 2, pb: 1 },
    { na: 1, nb: 1, pa: 1, pb: 3 },
    { na: 9, nb: 0, pa: 3, pb: 2 },
  ];
  for (let i = 0; i < 2; i++) out.push({ na: 1 + rng.below(300), nb: 1 + rng.below(300), pa: 1 + rng.below(5), pb: 1 + rng.below(5) });
  out.push({ na: 1500, nb: 1200, pa: 4, pb: 3 });
  return out;
}

/** Columns a(k, x) and b(k2, y): join keys in 0..19 with nulls, so keys repeat and some never match. */
function tables(rng: Rng, p: Pair) {
  const key = () => (rng.float() < 0.1 ? null : rng.below(20));
  const a = { k: Array.from({ length: p.na }, key), x: Array.from({ length: p.na }, () => (rng.float() < 0.1 ? null : `x${rng.below(9)}`)) };
  const b = { k2: Array.from({ length: p.nb }, key), y: Array.from({ length: p.nb }, () => rng.float()) };
  return { a, b };
}

const SCHEMA_A = { k: 'int32', x: 'string' } as const;
const SCHEMA_B = { k2: 'int32', y: 'float64' } as const;

/** SQL both engines read alike; `{a}` and `{b}` name the pair's tables. `rows`: the rows a cross product makes (skipped above MAX_ROWS). */
const SQL: Array<{ sql: string; rows?: (p: Pair) => number }> = [
  { sql: 'SELECT count(*) AS n, count(1) AS m FROM {a} JOIN {b} ON {a}.k = {b}.k2' },
  { sql: 'SELECT count(*) AS n FROM {a} LEFT JOIN {b} ON {a}.k = {b}.k2' },
  { sql: 'SELECT count(*) AS n FROM {a} RIGHT JOIN {b} ON {a}.k = {b}.k2' },
  { sql: 'SELECT count(*) AS n FROM {a} FULL OUTER JOIN {b} ON {a}.k = {b}.k2' },
  { sql: "SELECT count(*) AS n FROM {a} JOIN {b} ON {a}.k = {b}.k2 AND {a}.x < 'x5'" },
  { sql: 'SELECT count(*) AS n FROM {a} CROSS JOIN {b}', rows: (p) => p.na * p.nb },
  { sql: 'SELECT 94 AS c FROM {b}, {a}', rows: (p) => p.na * p.nb },
  { sql: 'SELECT 94 AS c FROM {b}, {a} AS p, {b} AS q', rows: (p) => p.na * p.nb * p.nb },
  { sql: 'SELECT count(*) AS n FROM {a} WHERE k > 3' },
  { sql: 'SELECT count(*) AS n FROM {a} WHERE k IN (SELECT k2 FROM {b})' },
  { sql: 'SELECT count(*) AS n FROM {a} WHERE EXISTS (SELECT 1 FROM {b} WHERE {b}.k2 = {a}.k)' },
  { sql: 'SELECT count(*) AS n FROM {a} WHERE NOT EXISTS (SELECT 1 FROM {b} WHERE {b}.k2 = {a}.k)' },
  { sql: 'SELECT count(*) AS n FROM (SELECT k FROM {a} UNION ALL SELECT k2 FROM {b}) u' },
  { sql: 'SELECT count(*) AS n FROM (SELECT k FROM {a} LIMIT 5) l' },
];

/** DataFrame joins and the DuckDB text of their row count. */
const JOINS: Array<[JoinHow, string]> = [
  ['inner', '{a} JOIN {b} ON {a}.k = {b}.k2'],
  ['left', '{a} LEFT JOIN {b} ON {a}.k = {b}.k2'],
  ['right', '{a} RIGHT JOIN {b} ON {a}.k = {b}.k2'],
  ['full', '{a} FULL OUTER JOIN {b} ON {a}.k = {b}.k2'],
  ['semi', '{a} SEMI JOIN {b} ON {a}.k = {b}.k2'],
  ['anti', '{a} ANTI JOIN {b} ON {a}.k = {b}.k2'],
];

const MAX_ROWS = 100_000;

const MODES = [
  { name: 'broadcast joins, default budget', memory: undefined, broadcast: true },
  { name: 'shuffled joins, 4 KiB budget (blocks spill)', memory: '4k', broadcast: false },
];

for (const master of ORACLE_MASTERS) for (const mode of MODES) {
  describe(`zero-column batches keep their rows on ${master}: ${mode.name}`, () => {
    let s: Session;
    let db: DuckOracle;
    let spilled = 0;
    const ps = pairs();
    const frames: Array<{ a: DataFrame; b: DataFrame }> = [];
    before(async () => {
      s = await Session.local({ master, ...(mode.memory ? { memory: mode.memory } : {}) });
      if (!mode.broadcast) (s as unknown as { frames: { broadcastThresholdBytes: number } }).frames.broadcastThresholdBytes = -1;
      s.on((e) => {
        if (e.type === 'taskEnd' && e.metrics) spilled += e.metrics.spilledBytes;
      });
      db = await DuckOracle.open({ threads: 1 });
      const rng = new Rng(7);
      for (const [i, p] of ps.entries()) {
        const { a, b } = tables(rng, p);
        const fa = s.createDataFrame(a, { schema: SCHEMA_A, numPartitions: p.pa });
        const fb = s.createDataFrame(b, { schema: SCHEMA_B, numPartitions: p.pb });
        fa.createOrReplaceTempView(`a${i}`);
        fb.createOrReplaceTempView(`b${i}`);
        frames.push({ a: fa, b: fb });
        await db.load(`a${i}`, a, SCHEMA_A);
        await db.load(`b${i}`, b, SCHEMA_B);
      }
    });
    after(async () => {
      await s?.stop();
      db?.close();
    });

    const named = (text: string, i: number) => text.replaceAll('{a}', `a${i}`).replaceAll('{b}', `b${i}`);
    const label = (p: Pair) => `a: ${p.na} rows in ${p.pa} partitions, b: ${p.nb} rows in ${p.pb}`;

    test('SQL counts over joins, cross and comma joins, subqueries, unions and limits match DuckDB', async () => {
      for (const [i, p] of ps.entries()) {
        for (const c of SQL) {
          if (c.rows && c.rows(p) > MAX_ROWS) continue;
          const sql = named(c.sql, i);
          assertRowsEqual(await s.sql(sql).collect(), await db.query(sql), { ordered: false }, `${sql} (${label(p)})`);
        }
      }
    });

    test('DataFrame joins of every type, then count(*), match DuckDB', async () => {
      for (const [i, p] of ps.entries()) {
        const { a, b } = frames[i]!;
        for (const [how, from] of JOINS) {
          const expected = await db.query(`SELECT count(*) AS n FROM ${named(from, i)}`);
          const joined = a.join(b, col('k').eq(col('k2')), how);
          assertRowsEqual(await joined.agg(count('*').as('n')).collect(), expected, { ordered: false }, `${how} join (${label(p)})`);
          if (how === 'inner' || how === 'full') assert.equal(await joined.select().count(), expected[0]!.n, `${how} join, select(), count() (${label(p)})`);
        }
        if (p.na * p.nb <= MAX_ROWS) assert.equal(await a.select().crossJoin(b.select()).count(), p.na * p.nb, `crossJoin (${label(p)})`);
      }
    });

    test('select() of no columns keeps the rows through filter, distinct, cache, repartition, union, limit, sort and conversions', async () => {
      for (const [i, p] of ps.entries()) {
        const { a, b } = frames[i]!;
        const none = a.select();
        const what = label(p);
        assert.equal(await none.count(), p.na, what);
        assert.deepEqual(await none.collect(), Array.from({ length: p.na }, () => ({})), what);
        assert.deepEqual(await none.agg(count('*').as('n'), count(lit(1)).as('m')).collect(), [{ n: p.na, m: p.na }], what);
        assert.deepEqual(await none.groupBy().count().collect(), [{ count: p.na }], what);
        const [{ n: filtered }] = await db.query(`SELECT count(*) AS n FROM a${i} WHERE k > 3`);
        assert.equal(await a.filter(col('k').gt(3)).select().count(), filtered, what);
        assert.equal(await none.filter(lit(true)).count(), p.na, what);
        assert.equal(await none.distinct().count(), p.na > 0 ? 1 : 0, what);
        assert.equal(await none.dropDuplicates().count(), p.na > 0 ? 1 : 0, what);
        for (const n of [1, 4, 7]) assert.equal(await none.repartition(n).count(), p.na, `${what}, repartition(${n})`);
        assert.equal(await none.union(b.select()).count(), p.na + p.nb, what);
        assert.equal(await none.union(b.select()).repartition(3).count(), p.na + p.nb, what);
        assert.equal(await none.limit(5).count(), Math.min(5, p.na), what);
        assert.equal(await a.orderBy('k').select().count(), p.na, what);
        assert.equal(await none.toDataset().count(), p.na, what);
        assert.equal((await none.toArrow()).numRows, p.na, what);
        const cached = none.cache();
        assert.equal(await cached.count(), p.na, `${what}, cached, first run`);
        assert.equal(await cached.count(), p.na, `${what}, cached, from the cache`);
        assert.equal(await cached.union(cached).count(), 2 * p.na, `${what}, cached, twice`);
        cached.unpersist();
      }
    });

    test('zero-column data from createDataFrame and Datasets keeps its rows', async () => {
      for (const n of [1, 3, 100]) {
        for (const parts of [1, 2, 5]) {
          const df = s.createDataFrame(Array.from({ length: n }, () => ({})), { numPartitions: parts });
          assert.equal(await df.count(), n);
          assert.deepEqual(await df.agg(count('*').as('n')).collect(), [{ n }]);
          const fromDs = s.createDataFrame(s.parallelize(Array.from({ length: n }, () => ({})), parts), { schema: {} });
          assert.equal(await fromDs.count(), n);
          assert.equal(await fromDs.crossJoin(df).count(), n * n);
        }
      }
    });

    if (!mode.broadcast) test('the small budget made blocks spill', () => assert.ok(spilled > 0, `spilled ${spilled} bytes`));
  });
}
