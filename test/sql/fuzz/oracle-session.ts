/**
 * A sluice session and a DuckDB database holding the same small random tables, for regression
 * tests of fuzzer findings: `check(sql)` runs the query with the optimizer on and off and compares
 * both answers with DuckDB's.
 */
import { Session } from '../../../src/index.js';
import { DuckOracle, assertRowsEqual } from '../../frame/oracle/duckdb-oracle.js';
import { ORACLE_MASTER } from '../../frame/oracle/h2o-suite.js';
import { Rng } from '../../frame/oracle/random.js';
import { randomTables, schemaOf, type FuzzTable } from './table-gen.js';

export interface OracleSession {
  tables: FuzzTable[];
  check(sql: string, ordered?: boolean): Promise<void>;
  close(): Promise<void>;
}

/** `count` random tables (t0, t1, ...; see table-gen.ts) from `seed`, loaded into both engines. */
export async function oracleSession(seed: number, count = 3): Promise<OracleSession> {
  const tables = randomTables(new Rng(seed), count);
  const s = await Session.local({ master: ORACLE_MASTER });
  const db = await DuckOracle.open({ threads: 1 });
  for (const t of tables) {
    s.createDataFrame(t.data, { schema: schemaOf(t), numPartitions: t.partitions }).createOrReplaceTempView(t.name);
    await db.load(t.name, t.data, schemaOf(t));
  }
  return {
    tables,
    async check(sql, ordered = false) {
      const expected = await db.query(sql);
      try {
        for (const on of [true, false]) {
          s.setOptimizerEnabled(on);
          assertRowsEqual(await s.sql(sql).collect(), expected, { ordered }, `${sql} (optimizer ${on ? 'on' : 'off'})`);
        }
      } finally {
        s.setOptimizerEnabled(true);
      }
    },
    async close() {
      await s.stop();
      db.close();
    },
  };
}
