// Profile sluice loading one file into a cached DataFrame (for diagnosis, not a benchmark):
//   N=1e7 FORMAT=parquet node --cpu-prof --cpu-prof-dir=bench/out/prof-load bench/load/profile.mjs
//   node bench/profile-summary.mjs bench/out/prof-load     # top self-time functions per thread
// Files come from bench/load/gen.mjs. RUNS loads run one after another (3 by default).
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { loadFiles } from './gen.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const { Session } = await import(pathToFileURL(path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js')).href);
const fmt = process.env.FORMAT ?? 'parquet';
const file = loadFiles(Number(process.env.N ?? 1e6))[fmt];
const method = { csv: 'csv', json: 'jsonLines', parquet: 'parquet', arrow: 'arrow' }[fmt];
const s = await Session.local({ master: process.env.MASTER ?? 'local[2]' });
for (let r = 0; r < Number(process.env.RUNS ?? 3); r++) {
  const t = performance.now();
  const c0 = process.cpuUsage();
  const df = s.read[method](file).cache();
  const n = await df.count();
  const cpu = process.cpuUsage(c0);
  console.log(`${fmt} run ${r + 1}: ${n} rows in ${((performance.now() - t) / 1000).toFixed(2)} s (process CPU ${((cpu.user + cpu.system) / 1e6).toFixed(2)} s)`);
  df.unpersist();
}
await s.stop();
