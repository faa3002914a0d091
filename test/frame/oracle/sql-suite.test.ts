/**
 * SQL oracle suite: ~60 queries over small tables with nulls, run on sluice (every backend) and on DuckDB
 * with the same text (or a per-dialect text), answers compared with compareRows.
 */
import { after, before, describe, test } from 'node:test';
import { Session } from '../../../src/index.js';
import { DuckOracle, assertRowsEqual } from './duckdb-oracle.js';
import { AGG_CASES, JOIN_CASES } from './sql-cases-agg-join.js';
import { BASIC_CASES, type SqlCase } from './sql-cases-basic.js';
import { sqlTables } from './sql-tables.js';
import { ORACLE_MASTERS } from './oracle-masters.js';

const PARTITIONS: Record<string, number> = { t: 3, u: 2, v: 1 };

for (const master of ORACLE_MASTERS) describe(`SQL oracle: sluice (${master}) vs DuckDB`, () => {
  let s: Session | undefined;
  let db: DuckOracle | undefined;
  before(async () => {
    s = await Session.local({ master });
    db = await DuckOracle.open({ threads: 1 });
    for (const [name, t] of Object.entries(sqlTables())) {
      s.createDataFrame(t.data, { schema: t.schema, numPartitions: PARTITIONS[name] }).createOrReplaceTempView(name);
      await db.load(name, t.data, t.schema);
    }
  });
  after(async () => {
    await s?.stop();
    db?.close();
  });

  const run = (c: SqlCase): void => {
    test(c.name, async () => {
      const [sluiceSql, duckSql] = typeof c.sql === 'string' ? [c.sql, c.sql] : [c.sql.sluice, c.sql.duck];
      const expected = await db!.query(duckSql);
      const actual = await s!.sql(sluiceSql).collect();
      assertRowsEqual(actual, expected, { ordered: c.ordered ?? false, unorderedLists: c.unorderedLists, nanIsNull: c.nanIsNull }, sluiceSql);
    });
  };
  describe('select, filter, expressions, order, limit, set operations', () => BASIC_CASES.forEach(run));
  describe('aggregates', () => AGG_CASES.forEach(run));
  describe('joins', () => JOIN_CASES.forEach(run));
});
