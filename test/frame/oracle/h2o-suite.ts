/**
 * Runs a list of h2o questions on sluice (DataFrame form and SQL form) and on DuckDB over the same
 * generated tables, comparing answers as multisets. Shared by h2o-groupby and h2o-join tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { Session, type DataFrame } from '../../../src/index.js';
import * as api from '../../../src/index.js';
import type { ScalarType } from '../../../src/frame/types.js';
import { DuckOracle, assertRowsEqual, type Row } from './duckdb-oracle.js';
import { JOIN_SCHEMAS, h2oJoin, type Columns } from './h2o-data.js';
import { sluiceSqlOf, type Frames, type H2oQuestion } from './h2o-questions.js';

export interface H2oTable {
  data: Columns;
  schema: Record<string, ScalarType>;
  numPartitions: number;
}

/** The four join tables of N rows (x and big in `parts` partitions, medium in 2, small in 1). */
export function h2oJoinTables(n: number, parts: number): Record<string, H2oTable> {
  const j = h2oJoin(n);
  return {
    x: { data: j.x, schema: JOIN_SCHEMAS.x, numPartitions: parts },
    small: { data: j.small, schema: JOIN_SCHEMAS.small, numPartitions: 1 },
    medium: { data: j.medium, schema: JOIN_SCHEMAS.medium, numPartitions: 2 },
    big: { data: j.big, schema: JOIN_SCHEMAS.big, numPartitions: parts },
  };
}

/**
 * Where sluice's tables come from: built in memory (createDataFrame), or read from Parquet files
 * that DuckDB writes from the same data with row groups of `rowGroupSize` rows (each row group has
 * string dictionaries of its own, so a partition reads several; see dict-unify.ts). `cache` lists
 * the tables cached after reading; the others are scanned by every question.
 */
export type H2oSource = { kind: 'memory' } | { kind: 'parquet'; rowGroupSize: number; cache: readonly string[] };

/** Registers one `describe` with a test per question and form. */
export function h2oSuite(title: string, master: string, tables: () => Record<string, H2oTable>, questions: H2oQuestion[], source: H2oSource = { kind: 'memory' }): void {
  describe(title, () => {
    let s: Session | undefined;
    let db: DuckOracle | undefined;
    const frames: Frames = {};
    let dir = '';
    const expected = new Map<string, Promise<Row[]>>();

    before(async () => {
      s = await Session.local({ master });
      db = await DuckOracle.open({ threads: 1 });
      if (source.kind === 'parquet') dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-h2o-'));
      for (const [name, t] of Object.entries(tables())) {
        await db.load(name, t.data, t.schema);
        let df: DataFrame;
        if (source.kind === 'parquet') {
          const file = path.join(dir, `${name}.parquet`);
          await db.run(`COPY "${name}" TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE ${source.rowGroupSize})`);
          df = s.read.parquet(file, { splitBytes: Math.max(1, Math.ceil(fs.statSync(file).size / t.numPartitions)) });
          if (source.cache.includes(name)) df = df.cache();
        } else {
          df = s.createDataFrame(t.data as Record<string, unknown[]>, { schema: t.schema, numPartitions: t.numPartitions });
        }
        df.createOrReplaceTempView(name);
        frames[name] = df;
      }
    });
    after(async () => {
      await s?.stop();
      db?.close();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    });

    const reference = (q: H2oQuestion): Promise<Row[]> => {
      let p = expected.get(q.id);
      if (!p) expected.set(q.id, (p = db!.query(q.duckSql)));
      return p;
    };
    const check = async (q: H2oQuestion, got: Row[], form: string): Promise<void> => {
      const rows = q.reshape ? q.reshape(got) : got;
      assertRowsEqual(rows, await reference(q), { ordered: false, ...q.compare }, `${title} ${q.id} (${form}): ${q.name}`);
    };

    for (const q of questions) {
      test(`${q.id} ${q.name} — DataFrame`, async () => {
        await check(q, await q.frame(api, frames).collect(), 'DataFrame');
      });
      const sql = sluiceSqlOf(q);
      if (sql !== null) {
        test(`${q.id} ${q.name} — SQL`, async () => {
          await check(q, await s!.sql(sql).collect(), sql);
        });
      }
    }
  });
}

/**
 * The one master of single-session oracle checks (oracleSession, for fuzzer regressions): local[2],
 * or ORACLE_MASTER. The oracle suites run over every backend (ORACLE_MASTERS, oracle-masters.ts).
 */
export const ORACLE_MASTER = process.env.ORACLE_MASTER ?? 'local[2]';
