// Spill: a job whose input and shuffle data are >= 2 GB, through a 256 MB per-worker budget.
//
//   npm run build && node bench/spill.mjs
//
// Records are generated on the fly: range(0, N, 1, P).map(i => [key(i), payload(i)]) with
// K distinct keys (each key appears N/K times, spread over partitions, so map-side combining
// removes little), then reduceByKey(max) and count. JOB=sort runs sortBy(key) + count instead,
// JOB=both runs both. Reports elapsed time, shuffle and spill bytes (stageCompleted metrics),
// and the process's peak RSS (sampled every 100 ms, and VmHWM from /proc/self/status).
//
// Env: N=16000000 K=4000000 PAYLOAD=120 P=32 MEMORY=256m MASTER=local[2] JOB=reduce RUNS=1
//      SLUICE=dist/src/index.js
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuWindow, machine, median, procStatus, rssSampler } from './lib/machine.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sluiceIndex = path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js');
const { Session } = await import(pathToFileURL(sluiceIndex).href);
const { encodeBatch } = await import(pathToFileURL(path.resolve(path.dirname(sluiceIndex), 'serde/record-codec.js')).href);

const N = Number(process.env.N ?? 16_000_000);
const K = Number(process.env.K ?? 4_000_000);
const PAYLOAD = Number(process.env.PAYLOAD ?? 120);
const P = Number(process.env.P ?? 32);
const MEMORY = process.env.MEMORY ?? '256m';
const MASTER = process.env.MASTER ?? 'local[2]';
const JOBS = (process.env.JOB ?? 'reduce') === 'both' ? ['reduce', 'sort'] : [process.env.JOB ?? 'reduce'];
const RUNS = Number(process.env.RUNS ?? 1);
const GB = (b) => (b / 1e9).toFixed(2) + ' GB';
const MiB = (b) => (b / 2 ** 20).toFixed(0) + ' MiB';

// The same generator, as plain code (for the input-size estimate) and shipped to workers.
const env = { K, pad: 'abcdefghijklmnopqrstuvwxyz0123456789'.repeat(Math.ceil(PAYLOAD / 36) + 1).slice(0, PAYLOAD) };
const gen = (i, e) => ['k' + ((i * 7919) % e.K), i + ':' + e.pad];
const sample = Array.from({ length: 10000 }, (_, j) => gen(j * 1601, env));
const bytesPerRecord = encodeBatch(sample).byteLength / sample.length;

console.log(`# spill  ${new Date().toISOString()}`);
console.log(`machine: ${machine()}`);
console.log(`master ${MASTER}, memory ${MEMORY} per worker; N=${N} records, K=${K} distinct keys, payload ${PAYLOAD} chars, ${P} partitions`);
console.log(`input as encoded records: ~${bytesPerRecord.toFixed(1)} B/record -> ~${GB(N * bytesPerRecord)}`);

const s = await Session.local({ master: MASTER, memory: MEMORY });
let current = '';
const stages = [];
s.on((e) => {
  if (e.type === 'stageSubmitted') current = `stage ${e.stageId} ${e.name}`;
  if (e.type === 'stageCompleted') stages.push({ at: performance.now(), stageId: e.stageId, name: e.name, ...e.metrics });
});
const rss = rssSampler(100);
const t0 = performance.now();
// A progress line every 10 s: shows RSS growth (or its absence) while the job runs.
const progress = setInterval(() => {
  const m = process.memoryUsage();
  console.log(`  t=${((performance.now() - t0) / 1000).toFixed(0)}s rss=${MiB(m.rss)} peak=${MiB(rss.peak)} (driver heap ${MiB(m.heapUsed)}, external ${MiB(m.external)}) ${current}`);
}, 10_000);

const results = [];
let failure;
try {
  for (const job of JOBS) {
    for (let run = 0; run < RUNS; run++) {
      stages.length = 0;
      const ds = s.range(0, N, 1, P).map(gen, env);
      const end = cpuWindow();
      const n =
        job === 'reduce'
          ? await ds.reduceByKey((a, b) => (a > b ? a : b)).count()
          : await ds.sortBy((kv) => kv[0]).count();
      const cw = end();
      const expect = job === 'reduce' ? K : N;
      const sum = (k) => stages.reduce((a, st) => a + st[k], 0);
      const r = { job, run, n, ok: n === expect, wall: cw.wall, other: cw.otherCores, shuffleWrite: sum('shuffleWriteBytes'), shuffleRead: sum('shuffleReadBytes'), spilled: sum('spilledBytes'), spills: sum('spills'), stages: stages.map((x) => ({ ...x })) };
      results.push(r);
      console.log(`${job} run ${run + 1}: count=${n} (${r.ok ? 'OK' : `WRONG, expected ${expect}`}) in ${cw.wall.toFixed(1)} s; shuffle write ${GB(r.shuffleWrite)}, read ${GB(r.shuffleRead)}, spilled ${GB(r.spilled)} in ${r.spills} spills; others used ${cw.otherCores.toFixed(2)} cores`);
      for (const st of r.stages) console.log(`    stage ${st.stageId} ${st.name}: records ${st.recordsRead} -> ${st.recordsWritten}, shuffle w ${GB(st.shuffleWriteBytes)} r ${GB(st.shuffleReadBytes)}, spilled ${GB(st.spilledBytes)} (${st.spills}), compute ${(st.computeMs / 1000).toFixed(1)} s`);
    }
  }
} catch (e) {
  failure = e;
  console.log(`FAILED during ${current} after ${((performance.now() - t0) / 1000).toFixed(1)} s: ${e?.stack ?? e}`);
} finally {
  clearInterval(progress);
  const { peak, samples } = rss.stop();
  const st = procStatus();
  await s.stop().catch((e) => console.log(`stop failed: ${e}`));
  console.log(`\npeak RSS (100 ms samples): ${MiB(peak)}; VmHWM: ${MiB(st.hwm)}; samples: ${samples.length}`);
  // RSS over time, in tenths of the run, to show whether it grows with the data
  const tenths = [];
  for (let i = 1; i <= 10; i++) {
    const upto = samples.filter(([t]) => t <= (samples.at(-1)?.[0] ?? 0) * (i / 10));
    tenths.push(MiB(Math.max(0, ...upto.slice(-Math.max(1, Math.floor(samples.length / 10))).map(([, r]) => r))));
  }
  console.log(`RSS max per tenth of the run: ${tenths.join(', ')}`);
  console.log('\n| job | count ok | elapsed s (median) | input (est.) | shuffle write | spilled | spills | peak RSS | VmHWM |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const job of JOBS) {
    const rs = results.filter((r) => r.job === job);
    if (!rs.length) continue;
    console.log(`| ${job} | ${rs.every((r) => r.ok) ? 'yes' : 'NO'} | ${median(rs.map((r) => r.wall)).toFixed(1)} (${rs.map((r) => r.wall.toFixed(1)).join(', ')}) | ${GB(N * bytesPerRecord)} | ${GB(rs[0].shuffleWrite)} | ${GB(rs[0].spilled)} | ${rs[0].spills} | ${MiB(peak)} | ${MiB(st.hwm)} |`);
  }
  if (failure) process.exitCode = 1;
}
