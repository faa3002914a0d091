/**
 * The db-benchmark questions: groupby q1–q10 over table `x` (G1 data) and join q1–q5 over `x`,
 * `small`, `medium`, `big` (J1 data). Each has the DuckDB text from duckdblabs/db-benchmark
 * (`duckdb/groupby-duckdb.R`, `duckdb/join-duckdb.R`; q8 in the Spark script's window form), the
 * SQL sluice runs (the same text where sluice's dialect has it), and the DataFrame-API form.
 * Used by the oracle tests and by bench/h2o/run.mjs.
 */
import type * as Sluice from '../../../src/index.js';

type Api = typeof Sluice;
type DataFrame = ReturnType<Sluice.Session['sql']>;
/** Tables by name, as sluice DataFrames. */
export type Frames = Record<string, DataFrame>;
type Row = Record<string, unknown>;

export interface H2oQuestion {
  id: string;
  /** The benchmark's question label. */
  name: string;
  /** Reference SQL for DuckDB. */
  duckSql: string;
  /** SQL for sluice: omitted when it is `duckSql`; null when sluice's dialect cannot say it (q8 needs a window function). */
  sluiceSql?: string | null;
  /** The same question through the DataFrame API (`api` is the sluice module). */
  frame: (api: Api, t: Frames) => DataFrame;
  /** Post-processing of sluice's collected rows into the reference shape (q8 flattens its top-2 lists). */
  reshape?: (rows: Row[]) => Row[];
  /** Columns of the benchmark's checksum (sums over the answer). */
  chk: string[];
  /** Extra comparison options for the oracle test. */
  compare?: { nanIsNull?: boolean };
}

/** q8's sluice answer has one list per id6; the window form has one row per element. */
function flattenTop2(rows: Row[]): Row[] {
  return rows.flatMap((r) => (r.largest2_v3 as unknown[]).map((v) => ({ id6: r.id6, largest2_v3: v })));
}

export const GROUPBY_QUESTIONS: H2oQuestion[] = [
  {
    id: 'q1', name: 'sum v1 by id1', chk: ['v1'],
    duckSql: 'SELECT id1, sum(v1) AS v1 FROM x GROUP BY id1',
    frame: (f, t) => t.x.groupBy('id1').agg(f.sum('v1').as('v1')),
  },
  {
    id: 'q2', name: 'sum v1 by id1:id2', chk: ['v1'],
    duckSql: 'SELECT id1, id2, sum(v1) AS v1 FROM x GROUP BY id1, id2',
    frame: (f, t) => t.x.groupBy('id1', 'id2').agg(f.sum('v1').as('v1')),
  },
  {
    id: 'q3', name: 'sum v1 mean v3 by id3', chk: ['v1', 'v3'],
    duckSql: 'SELECT id3, sum(v1) AS v1, avg(v3) AS v3 FROM x GROUP BY id3',
    frame: (f, t) => t.x.groupBy('id3').agg(f.sum('v1').as('v1'), f.avg('v3').as('v3')),
  },
  {
    id: 'q4', name: 'mean v1:v3 by id4', chk: ['v1', 'v2', 'v3'],
    duckSql: 'SELECT id4, avg(v1) AS v1, avg(v2) AS v2, avg(v3) AS v3 FROM x GROUP BY id4',
    frame: (f, t) => t.x.groupBy('id4').agg(f.avg('v1').as('v1'), f.avg('v2').as('v2'), f.avg('v3').as('v3')),
  },
  {
    id: 'q5', name: 'sum v1:v3 by id6', chk: ['v1', 'v2', 'v3'],
    duckSql: 'SELECT id6, sum(v1) AS v1, sum(v2) AS v2, sum(v3) AS v3 FROM x GROUP BY id6',
    frame: (f, t) => t.x.groupBy('id6').agg(f.sum('v1').as('v1'), f.sum('v2').as('v2'), f.sum('v3').as('v3')),
  },
  {
    id: 'q6', name: 'median v3 sd v3 by id4 id5', chk: ['median_v3', 'sd_v3'],
    duckSql: 'SELECT id4, id5, quantile_cont(v3, 0.5) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5',
    sluiceSql: 'SELECT id4, id5, median(v3) AS median_v3, stddev(v3) AS sd_v3 FROM x GROUP BY id4, id5',
    frame: (f, t) => t.x.groupBy('id4', 'id5').agg(f.median('v3').as('median_v3'), f.stddev('v3').as('sd_v3')),
  },
  {
    id: 'q7', name: 'max v1 - min v2 by id3', chk: ['range_v1_v2'],
    duckSql: 'SELECT id3, max(v1) - min(v2) AS range_v1_v2 FROM x GROUP BY id3',
    frame: (f, t) =>
      t.x.groupBy('id3').agg(f.max('v1').as('max_v1'), f.min('v2').as('min_v2')).select(f.col('id3'), f.expr('max_v1 - min_v2').as('range_v1_v2')),
  },
  {
    id: 'q8', name: 'largest two v3 by id6', chk: ['largest2_v3'],
    duckSql:
      'SELECT id6, largest2_v3 FROM (SELECT id6, v3 AS largest2_v3, row_number() OVER (PARTITION BY id6 ORDER BY v3 DESC) AS order_v3 ' +
      'FROM x WHERE v3 IS NOT NULL) sub_query WHERE order_v3 <= 2',
    sluiceSql: null,
    frame: (f, t) => t.x.filter(f.col('v3').isNotNull()).groupBy('id6').agg(f.topK('v3', 2).as('largest2_v3')),
    reshape: flattenTop2,
  },
  {
    id: 'q9', name: 'regression v1 v2 by id2 id4', chk: ['r2'],
    // Single-row and constant groups: DuckDB's corr gives NaN, Spark-like engines null.
    compare: { nanIsNull: true },
    duckSql: 'SELECT id2, id4, pow(corr(v1, v2), 2) AS r2 FROM x GROUP BY id2, id4',
    frame: (f, t) => t.x.groupBy('id2', 'id4').agg(f.corr('v1', 'v2').as('r')).select(f.col('id2'), f.col('id4'), f.expr('r * r').as('r2')),
  },
  {
    id: 'q10', name: 'sum v3 count by id1:id6', chk: ['v3', 'count'],
    duckSql: 'SELECT id1, id2, id3, id4, id5, id6, sum(v3) AS v3, count(*) AS count FROM x GROUP BY id1, id2, id3, id4, id5, id6',
    frame: (f, t) => t.x.groupBy('id1', 'id2', 'id3', 'id4', 'id5', 'id6').agg(f.sum('v3').as('v3'), f.count('*').as('count')),
  },
];

/** Right-hand side of a join question: the table, the key, and its other columns renamed `<table>_<col>`. */
function rhs(f: Api, t: Frames, table: string, key: string, cols: string[]): DataFrame {
  return t[table].select(f.col(key), ...cols.map((c) => f.col(c).as(`${table}_${c}`)), f.col('v2'));
}

const X_COLS = 'x.id1, x.id2, x.id3, x.id4, x.id5, x.id6, x.v1';

export const JOIN_QUESTIONS: H2oQuestion[] = [
  {
    id: 'q1', name: 'small inner on int', chk: ['v1', 'v2'],
    duckSql: 'SELECT x.*, small.id4 AS small_id4, v2 FROM x JOIN small USING (id1)',
    sluiceSql: `SELECT ${X_COLS}, small.id4 AS small_id4, small.v2 FROM x JOIN small ON x.id1 = small.id1`,
    frame: (f, t) => t.x.join(rhs(f, t, 'small', 'id1', ['id4']), 'id1', 'inner'),
  },
  {
    id: 'q2', name: 'medium inner on int', chk: ['v1', 'v2'],
    duckSql: 'SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 FROM x JOIN medium USING (id2)',
    sluiceSql: `SELECT ${X_COLS}, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, medium.v2 FROM x JOIN medium ON x.id2 = medium.id2`,
    frame: (f, t) => t.x.join(rhs(f, t, 'medium', 'id2', ['id1', 'id4', 'id5']), 'id2', 'inner'),
  },
  {
    id: 'q3', name: 'medium outer on int', chk: ['v1', 'v2'],
    duckSql: 'SELECT x.*, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, v2 FROM x LEFT JOIN medium USING (id2)',
    sluiceSql: `SELECT ${X_COLS}, medium.id1 AS medium_id1, medium.id4 AS medium_id4, medium.id5 AS medium_id5, medium.v2 FROM x LEFT JOIN medium ON x.id2 = medium.id2`,
    frame: (f, t) => t.x.join(rhs(f, t, 'medium', 'id2', ['id1', 'id4', 'id5']), 'id2', 'left'),
  },
  {
    id: 'q4', name: 'medium inner on factor', chk: ['v1', 'v2'],
    duckSql: 'SELECT x.*, medium.id1 AS medium_id1, medium.id2 AS medium_id2, medium.id4 AS medium_id4, v2 FROM x JOIN medium USING (id5)',
    sluiceSql: `SELECT ${X_COLS}, medium.id1 AS medium_id1, medium.id2 AS medium_id2, medium.id4 AS medium_id4, medium.v2 FROM x JOIN medium ON x.id5 = medium.id5`,
    frame: (f, t) => t.x.join(rhs(f, t, 'medium', 'id5', ['id1', 'id2', 'id4']), 'id5', 'inner'),
  },
  {
    id: 'q5', name: 'big inner on int', chk: ['v1', 'v2'],
    duckSql: 'SELECT x.*, big.id1 AS big_id1, big.id2 AS big_id2, big.id4 AS big_id4, big.id5 AS big_id5, big.id6 AS big_id6, v2 FROM x JOIN big USING (id3)',
    sluiceSql: `SELECT ${X_COLS}, big.id1 AS big_id1, big.id2 AS big_id2, big.id4 AS big_id4, big.id5 AS big_id5, big.id6 AS big_id6, big.v2 FROM x JOIN big ON x.id3 = big.id3`,
    frame: (f, t) => t.x.join(rhs(f, t, 'big', 'id3', ['id1', 'id2', 'id4', 'id5', 'id6']), 'id3', 'inner'),
  },
];

/** The SQL sluice runs for `q`, or null when it has no SQL form. */
export function sluiceSqlOf(q: H2oQuestion): string | null {
  return q.sluiceSql === undefined ? q.duckSql : q.sluiceSql;
}

/** The benchmark's answer check: row count and the sums of `chk` columns (nulls skipped). */
export function checksum(rows: readonly Row[], chk: readonly string[]): { rows: number; sums: number[] } {
  const sums = chk.map((c) => {
    let s = 0;
    for (const r of rows) {
      const v = r[c];
      if (v !== null && v !== undefined) s += Number(v);
    }
    return s;
  });
  return { rows: rows.length, sums };
}
