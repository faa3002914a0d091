// nodejs-polars side of the h2o benchmark (eager DataFrames, string keys as Utf8): tables loaded
// with readParquet; the CSV load (readCSV) is timed apart and dropped.
import pl from 'nodejs-polars';

const GROUPBY = {
  q1: (t) => t.x.groupBy('id1').agg(pl.col('v1').sum()),
  q2: (t) => t.x.groupBy(['id1', 'id2']).agg(pl.col('v1').sum()),
  q3: (t) => t.x.groupBy('id3').agg(pl.col('v1').sum(), pl.col('v3').mean()),
  q4: (t) => t.x.groupBy('id4').agg(pl.col('v1').mean(), pl.col('v2').mean(), pl.col('v3').mean()),
  q5: (t) => t.x.groupBy('id6').agg(pl.col('v1').sum(), pl.col('v2').sum(), pl.col('v3').sum()),
  q6: (t) => t.x.groupBy(['id4', 'id5']).agg(pl.col('v3').median().alias('median_v3'), pl.col('v3').std().alias('sd_v3')),
  q7: (t) => t.x.groupBy('id3').agg(pl.col('v1').max().minus(pl.col('v2').min()).alias('range_v1_v2')),
  q8: (t) => t.x.dropNulls('v3').groupBy('id6').agg(pl.col('v3').sort({ descending: true }).head(2).alias('largest2_v3')).explode('largest2_v3'),
  q9: (t) => t.x.groupBy(['id2', 'id4']).agg(pl.pearsonCorr('v1', 'v2').pow(2).alias('r2')),
  q10: (t) => t.x.groupBy(['id1', 'id2', 'id3', 'id4', 'id5', 'id6']).agg(pl.col('v3').sum(), pl.len().alias('count')),
};

/** The RHS of a join question, its non-key columns renamed `<table>_<col>` as in the SQL. */
const rhs = (t, table, key, cols) => t[table].select(key, ...cols.map((c) => pl.col(c).alias(`${table}_${c}`)), 'v2');
const JOIN = {
  q1: (t) => t.x.join(rhs(t, 'small', 'id1', ['id4']), { on: 'id1', how: 'inner' }),
  q2: (t) => t.x.join(rhs(t, 'medium', 'id2', ['id1', 'id4', 'id5']), { on: 'id2', how: 'inner' }),
  q3: (t) => t.x.join(rhs(t, 'medium', 'id2', ['id1', 'id4', 'id5']), { on: 'id2', how: 'left' }),
  q4: (t) => t.x.join(rhs(t, 'medium', 'id5', ['id1', 'id2', 'id4']), { on: 'id5', how: 'inner' }),
  q5: (t) => t.x.join(rhs(t, 'big', 'id3', ['id1', 'id2', 'id4', 'id5', 'id6']), { on: 'id3', how: 'inner' }),
};

export async function openPolars() {
  let frames = {};
  let ans;
  return {
    name: 'Polars',
    async load(files) {
      frames = {};
      for (const [name, f] of Object.entries(files)) frames[name] = pl.readParquet(f.parquet);
    },
    async loadCsv(files) {
      let n = 0;
      for (const f of Object.values(files)) n += pl.readCSV(f.csv).height;
      return n;
    },
    async run(q, task) {
      ans = (task === 'groupby' ? GROUPBY : JOIN)[q.id](frames);
    },
    async check(q) {
      return { rows: ans.height, sums: q.chk.map((c) => ans.getColumn(c).sum() ?? null) };
    },
    async close() {},
  };
}
