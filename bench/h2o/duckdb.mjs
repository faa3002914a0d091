// DuckDB side of the h2o benchmark: in-memory database, `SET threads=2`. Tables are loaded from
// the Parquet files with CREATE TABLE ... AS SELECT * FROM read_parquet(...); the CSV load
// (read_csv, types inferred as a user gets them) is timed apart and dropped. Like
// duckdb/groupby-duckdb.R each answer is materialised with CREATE TEMP TABLE ans AS ..., then
// checked with sums over it (not timed).
import { DuckOracle } from '../../test/frame/oracle/duckdb-oracle.ts';

export async function openDuck(threads) {
  const db = await DuckOracle.open({ threads });
  return {
    name: 'DuckDB',
    async load(files) {
      for (const [name, f] of Object.entries(files)) await db.run(`CREATE OR REPLACE TABLE "${name}" AS SELECT * FROM read_parquet('${f.parquet}')`);
    },
    async loadCsv(files) {
      for (const [name, f] of Object.entries(files)) await db.run(`CREATE OR REPLACE TABLE "csv_${name}" AS SELECT * FROM read_csv('${f.csv}')`);
      for (const name of Object.keys(files)) await db.run(`DROP TABLE "csv_${name}"`);
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
