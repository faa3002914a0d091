// DuckDB side of the h2o benchmark: in-memory database, `SET threads=2`, tables loaded through the
// oracle's chunked appender. Like duckdb/groupby-duckdb.R each answer is materialised with
// CREATE TEMP TABLE ans AS ..., then checked with sums over it (not timed).
import { DuckOracle } from '../../test/frame/oracle/duckdb-oracle.ts';

export async function openDuck(threads) {
  const db = await DuckOracle.open({ threads });
  return {
    name: 'DuckDB',
    async load(tables, schemas) {
      for (const [name, data] of Object.entries(tables)) await db.load(name, data, schemas[name]);
    },
    async run(q) {
      await db.run('DROP TABLE IF EXISTS ans');
      await db.run(`CREATE TEMP TABLE ans AS ${q.duckSql}`);
    },
    async check(q) {
      const sums = q.chk.map((c) => `sum("${c}") AS "${c}"`).join(', ');
      const [r] = await db.query(`SELECT count(*) AS n, ${sums} FROM ans`);
      return { rows: r.n, sums: q.chk.map((c) => r[c]) };
    },
    async close() {
      db.close();
    },
  };
}
