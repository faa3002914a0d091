// sluice side of the h2o benchmark: DataFrame-API form of each question (test/frame/oracle/h2o-questions.ts).
// Loading = read.parquet(file).cache() + count(), as a user loads a table; the CSV load
// (read.csv(file).cache() + count(), types inferred) is timed apart and dropped. An answer is materialised with cache() + count()
// (the analogue of DuckDB's CREATE TEMP TABLE ans), then checked with a SQL sum over it (not timed);
// q8's answer holds one list per group and is collected and flattened instead.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { checksum } from '../../test/frame/oracle/h2o-questions.ts';
import { openSession } from '../cluster/session.mjs';

/** `system`: local (local[2]), processes (processes[2]) or netns (see bench/cluster/session.mjs). */
export async function openSluice(root, system) {
  const api = await import(pathToFileURL(path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js')).href);
  if (typeof api.col !== 'function') throw new Error('this sluice build has no DataFrame API (col() is missing): run npm run build');
  const s = await openSession(root, system);
  const master = system === 'netns' ? 'cluster (2 workers in netns)' : s.master;
  let frames = {};
  let ans;
  let collected;
  return {
    name: `sluice ${master}`,
    async load(files) {
      frames = {};
      for (const [name, f] of Object.entries(files)) {
        const df = s.read.parquet(f.parquet).cache();
        await df.count();
        df.createOrReplaceTempView(name);
        frames[name] = df;
      }
    },
    async loadCsv(files) {
      for (const f of Object.values(files)) {
        const df = s.read.csv(f.csv).cache();
        await df.count();
        df.unpersist();
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
