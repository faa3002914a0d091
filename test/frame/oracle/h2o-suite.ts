/**
 * Runs a list of h2o questions on sluice (DataFrame form and SQL form) and on DuckDB over the same
 * generated tables, comparing answers as multisets. Shared by h2o-groupby and h2o-join tests.
 */
import { after, before, describe, test } from 'node:test';
import { Session } from '../../../src/index.js';
import * as api from '../../../src/index.js';
import type { ScalarType } from '../../../src/frame/types.js';
import { DuckOracle, assertRowsEqual, type Row } from './duckdb-oracle.js';
import type { Columns } from './h2o-data.js';
import { sluiceSqlOf, type Frames, type H2oQuestion } from './h2o-questions.js';

export interface H2oTable {
  data: Columns;
  schema: Record<string, ScalarType>;
  numPartitions: number;
}

/** Registers one `describe` with a test per question and form. */
export function h2oSuite(title: string, master: string, tables: () => Record<string, H2oTable>, questions: H2oQuestion[]): void {
  describe(title, () => {
    let s: Session | undefined;
    let db: DuckOracle | undefined;
    const frames: Frames = {};
    const expected = new Map<string, Promise<Row[]>>();

    before(async () => {
      s = await Session.local({ master });
      db = await DuckOracle.open({ threads: 1 });
      for (const [name, t] of Object.entries(tables())) {
        const df = s.createDataFrame(t.data as Record<string, unknown[]>, { schema: t.schema, numPartitions: t.numPartitions });
        df.createOrReplaceTempView(name);
        frames[name] = df;
        await db.load(name, t.data, t.schema);
      }
    });
    after(async () => {
      await s?.stop();
      db?.close();
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
 * The master the oracle tests run on: local[2], or ORACLE_MASTER (e.g. `inline` when running the
 * TypeScript sources through tsx, where worker threads cannot load `worker-entry.js`).
 */
export const ORACLE_MASTER = process.env.ORACLE_MASTER ?? 'local[2]';
