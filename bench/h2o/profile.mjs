// Profile sluice on some h2o questions (for diagnosis, not a benchmark): loads the task's Parquet
// tables, then runs each question RUNS times, printing wall and process CPU seconds per run.
//   TASK=join Q=q5 N=1e7 SYSTEM=local node --import tsx --cpu-prof --cpu-prof-dir=bench/out/prof bench/h2o/profile.mjs
//   node bench/profile-summary.mjs bench/out/prof     # top self-time functions per thread
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GROUPBY_QUESTIONS, JOIN_QUESTIONS } from '../../test/frame/oracle/h2o-questions.ts';
import { ensureH2oFiles } from './files.mjs';
import { openSluice } from './sluice.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const task = process.env.TASK ?? 'join';
const N = Number(process.env.N ?? 1e7);
const only = new Set((process.env.Q ?? 'q5').split(','));
const runs = Number(process.env.RUNS ?? 2);
const questions = (task === 'groupby' ? GROUPBY_QUESTIONS : JOIN_QUESTIONS).filter((q) => only.has(q.id));
const sys = await openSluice(root, process.env.SYSTEM ?? 'local'); // local | processes | netns (bench/cluster/session.mjs)
const files = await ensureH2oFiles(task, N);
async function timed(label, fn) {
  const t = performance.now();
  const c0 = process.cpuUsage();
  await fn();
  const c = process.cpuUsage(c0);
  console.log(`${label}: ${((performance.now() - t) / 1000).toFixed(2)} s wall, ${((c.user + c.system) / 1e6).toFixed(2)} s CPU`);
}
if (process.env.LOAD !== '0') await timed('load parquet', () => sys.load(files));
else await sys.load(files);
for (const q of questions) for (let r = 0; r < runs; r++) await timed(`${q.id} run ${r + 1}`, () => sys.run(q, task));
await sys.close();
