// sluice side of the h2o benchmark: DataFrame-API form of each question (test/frame/oracle/h2o-questions.ts).
// Loading = createDataFrame + cache + count. An answer is materialised with cache() + count()
// (the analogue of DuckDB's CREATE TEMP TABLE ans), then checked with a SQL sum over it (not timed);
// q8's answer holds one list per group and is collected and flattened instead.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checksum } from '../../test/frame/oracle/h2o-questions.ts';

export async function openSluice(root, master, numPartitions) {
  const api = await import(pathToFileURL(path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js')).href);
  if (typeof api.col !== 'function') throw new Error('this sluice build has no DataFrame API (col() is missing): run npm run build');
  const s = await api.Session.local({ master });
  let frames = {};
  let ans;
  let collected;
  return {
    name: `sluice ${master}`,
    async load(tables, schemas) {
      frames = {};
      for (const [name, data] of Object.entries(tables)) {
        const df = s.createDataFrame(data, { schema: schemas[name], numPartitions }).cache();
        await df.count();
        df.createOrReplaceTempView(name);
        frames[name] = df;
      }
    },
    async run(q) {
      ans?.unpersist(); // the previous answer is dropped, as DuckDB drops its answer table
      ans = q.frame(api, frames);
      collected = undefined;
      if (q.reshape) {
        collected = q.reshape(await ans.collect());
      } else {
        ans = ans.cache();
        await ans.count();
      }
    },
    async check(q) {
      if (collected) return checksum(collected, q.chk);
      ans.createOrReplaceTempView('ans');
      const sums = q.chk.map((c) => `sum(${c}) AS ${c}`).join(', ');
      const [r] = await s.sql(`SELECT count(*) AS n, ${sums} FROM ans`).collect();
      return { rows: Number(r.n), sums: q.chk.map((c) => (r[c] == null ? null : Number(r[c]))) };
    },
    async close() {
      await s.stop();
    },
  };
}
