/**
 * Right and full joins without an equality between the sides (a nested-loop join), over random
 * tables in several partitions, against DuckDB. They were rejected before, and the optimizer could
 * turn a join with an equality into one without (`ON a.k = b.k AND FALSE` simplifies to FALSE).
 */
import { after, before, describe, test } from 'node:test';
import { Session } from '../../../src/index.js';
import { DuckOracle, assertRowsEqual } from '../oracle/duckdb-oracle.js';
import { Rng } from '../oracle/random.js';
import { ORACLE_MASTERS } from '../oracle/oracle-masters.js';

const schema = { k: 'int32', x: 'int32' } as const;

const queries = [
  'SELECT a.k AS ak, a.x AS ax, b.k AS bk, b.x AS bx FROM a RIGHT JOIN b ON a.x < b.x',
  'SELECT a.k AS ak, a.x AS ax, b.k AS bk, b.x AS bx FROM a FULL JOIN b ON a.x < b.x - 3',
  'SELECT a.k AS ak, b.x AS bx FROM a FULL JOIN b ON NULL',
  'SELECT a.k AS ak, b.x AS bx FROM a RIGHT JOIN b ON a.k = b.k AND FALSE',
  'SELECT a.k AS ak, b.x AS bx FROM a FULL JOIN b ON a.k = b.k AND 1 = 2',
  'SELECT a.k AS ak, e.x AS ex FROM a FULL JOIN e ON a.x > e.x',
  'SELECT e.k AS ek, b.x AS bx FROM e RIGHT JOIN b ON e.x > b.x',
];

for (const master of ORACLE_MASTERS) {
  describe(`non-equi outer joins on ${master}`, () => {
    let s: Session;
    let db: DuckOracle;
    before(async () => {
      s = await Session.local({ master });
      db = await DuckOracle.open({ threads: 1 });
      const rng = new Rng(7);
      const table = (n: number) => ({
        k: Array.from({ length: n }, () => (rng.float() < 0.2 ? null : rng.below(5))),
        x: Array.from({ length: n }, () => (rng.float() < 0.2 ? null : rng.below(10))),
      });
      for (const [name, rows, parts] of [['a', 23, 3], ['b', 17, 2], ['e', 0, 2]] as const) {
        const data = table(rows);
        s.createDataFrame(data, { schema, numPartitions: parts }).createOrReplaceTempView(name);
        await db.load(name, data, schema);
      }
    });
    after(async () => {
      await s?.stop();
      db?.close();
    });

    for (const sql of queries) {
      test(`non-equi outer join: ${sql}`, async () => {
        const expected = await db.query(sql);
        try {
          for (const on of [true, false]) {
            s.setOptimizerEnabled(on);
            assertRowsEqual(await s.sql(sql).collect(), expected, { ordered: false }, `${sql} (optimizer ${on ? 'on' : 'off'})`);
          }
        } finally {
          s.setOptimizerEnabled(true);
        }
      });
    }
  });
}
