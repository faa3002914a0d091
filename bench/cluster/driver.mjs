// The driver side of one system in the cluster benchmark (run.mjs starts it, in the driver's
// network namespace for `netns`): opens the session, runs one workload, prints one line
// `RESULT {json}`. Timed runs wait for a quiet machine and count the CPU of the whole system
// (this process, its worker processes, and the namespaced workers named in BENCH_CPU_PIDS).
//
//   node bench/cluster/driver.mjs <local|processes|netns> <wordcount|kill|shuffle>
//
// Session start and one small warm-up job are not timed.
// Env: CORPUS, RUNS, PARTS (word count minPartitions), SHUFFLE_MB, SHUFFLE_PARTS; for netns
// CLUSTER_LISTEN (host:port) and CLUSTER_SECRET; for kill BENCH_WORKER_PIDS (netns workers).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { cpuWindow, treeCpu, waitForQuiet } from '../lib/machine.mjs';
import { sluiceWordCount, summary } from '../lib/wordcount-job.mjs';
import { openSession, WORKERS } from './session.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const [system, workload] = process.argv.slice(2);
const CORPUS = path.resolve(root, process.env.CORPUS ?? 'bench/data/corpus.txt');
const RUNS = Number(process.env.RUNS ?? 3);

/** Worker process ids of this system now: forked children for processes[N], the namespaced ones from the env. */
function workerPids() {
  if (system === 'netns') return (process.env.BENCH_WORKER_PIDS ?? '').split(',').filter(Boolean).map(Number);
  const pids = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === process.pid && fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes('process-entry')) pids.push(Number(d));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/** Stage timings of every job run while `fn` runs: { stageId: { name, submitted, completed, attempts, metrics } }. */
async function withStages(s, fn, onEvent = () => {}) {
  const stages = new Map();
  const off = s.on((e) => {
    if (e.type === 'stageSubmitted') {
      const st = stages.get(e.stageId) ?? { name: e.name, submitted: e.time, attempts: 0 };
      st.attempts = Math.max(st.attempts, e.attempt + 1);
      stages.set(e.stageId, st);
    } else if (e.type === 'stageCompleted') {
      const st = stages.get(e.stageId);
      if (st) Object.assign(st, { completed: e.time, metrics: e.metrics });
    }
    onEvent(e, stages);
  });
  try {
    return { value: await fn(), stages: [...stages.values()] };
  } finally {
    off();
  }
}

/** One timed run: wall and system CPU seconds, other processes' cores, and what `fn` returned. */
async function timed(fn) {
  await waitForQuiet();
  const end = cpuWindow(treeCpu);
  const value = await fn();
  const { wall, own, otherCores } = end();
  return { wall, cpu: own, otherCores, value };
}

const parts = Number(process.env.PARTS ?? 8);

const WORKLOADS = {
  /** W1: RUNS timed word counts. */
  async wordcount(s) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const t = await timed(() => sluiceWordCount(s, CORPUS, parts));
      runs.push({ wall: t.wall, cpu: t.cpu, otherCores: t.otherCores, summary: summary(t.value.counts), partitions: t.value.partitions });
    }
    return { runs, bytes: fs.statSync(CORPUS).size };
  },

  /**
   * W1 with a kill -9 of one worker as the shuffle starts (the reduce stage is submitted: every
   * map output is written, half of them on the victim): the victim's map outputs are recomputed
   * from lineage. Reports the run's time, and when the scheduler resubmitted the map stage.
   */
  async kill(s) {
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      let killedAt;
      let victim;
      let resubmittedAt;
      let mapStage;
      let mapBusyMs = 0; // summed run time of the map tasks before the kill
      let rerun = 0; // map tasks run again after it
      const started = new Map();
      const t = await timed(() =>
        withStages(
          s,
          () => sluiceWordCount(s, CORPUS, parts),
          (e, stages) => {
            if (e.type === 'stageSubmitted' && mapStage === undefined) mapStage = e.stageId;
            if (e.type === 'taskStart' && e.stageId === mapStage) {
              started.set(e.taskId, e.time);
              if (killedAt !== undefined) rerun++;
            }
            if (e.type === 'taskEnd' && e.stageId === mapStage && e.ok && killedAt === undefined) mapBusyMs += e.time - started.get(e.taskId);
            if (e.type === 'stageSubmitted' && e.attempt === 0 && stages.size === 2 && killedAt === undefined) {
              victim = workerPids()[0];
              if (victim === undefined) throw new Error('no worker process to kill');
              process.kill(victim, 'SIGKILL');
              killedAt = performance.now();
            } else if (e.type === 'stageSubmitted' && e.attempt > 0 && killedAt !== undefined && resubmittedAt === undefined) {
              resubmittedAt = performance.now();
            }
          },
        ),
      );
      const done = performance.now();
      if (killedAt === undefined) throw new Error('the job ended before its shuffle began: nothing was killed');
      runs.push({
        wall: t.wall,
        cpu: t.cpu,
        otherCores: t.otherCores,
        summary: summary(t.value.value.counts),
        victim,
        // The lost worker's share of the work: one worker's part of the map stage's task time.
        shareSeconds: mapBusyMs / 1000 / WORKERS,
        mapTasks: t.value.value.partitions,
        rerun,
        killToEnd: (done - killedAt) / 1000,
        killToResubmit: resubmittedAt === undefined ? null : (resubmittedAt - killedAt) / 1000,
        stages: t.value.stages.map((st) => ({ name: st.name, attempts: st.attempts, seconds: st.completed ? (st.completed - st.submitted) / 1000 : null })),
      });
      // netns workers are not replaced: one kill per session there (run.mjs starts fresh workers).
      if (system === 'netns') break;
    }
    return { runs };
  },

  /**
   * A shuffle of SHUFFLE_MB of 1 KB strings (repartition, then a count that decodes every record):
   * the reduce stage's shuffle bytes over its wall time. Between two workers half of the bytes
   * cross between them (the other half is each worker's own).
   */
  async shuffle(s) {
    const mb = Number(process.env.SHUFFLE_MB ?? 256);
    const p = Number(process.env.SHUFFLE_PARTS ?? 8);
    const rows = Math.round((mb * 1e6) / 1000);
    const runs = [];
    for (let r = 0; r < RUNS; r++) {
      const t = await timed(() =>
        withStages(s, () =>
          s
            .range(0, rows, 1, p)
            .map((i) => String(i).padStart(12, '0') + 'x'.repeat(988))
            .repartition(p)
            .count(),
        ),
      );
      const [, reduce] = t.value.stages;
      if (t.value.value !== rows) throw new Error(`shuffle counted ${t.value.value} rows, expected ${rows}`);
      runs.push({ wall: t.wall, cpu: t.cpu, otherCores: t.otherCores, rows, reduceSeconds: (reduce.completed - reduce.submitted) / 1000, shuffleBytes: reduce.metrics.shuffleReadBytes });
    }
    return { runs };
  },
};

if (!WORKLOADS[workload]) throw new Error(`unknown workload ${workload}: ${Object.keys(WORKLOADS).join(', ')}`);
const t0 = performance.now();
const s = await openSession(root, system);
// A small shuffle on every worker before anything is timed: local[N] starts its threads before
// it returns, a cluster's workers start their task threads once they have joined.
await s.parallelize(['a b', 'b c', 'c d', 'd e'], 2 * WORKERS).flatMap((l) => l.split(' ')).map((w) => [w, 1]).reduceByKey((a, b) => a + b).collect();
const startSeconds = (performance.now() - t0) / 1000;
try {
  const result = await WORKLOADS[workload](s);
  console.log(`RESULT ${JSON.stringify({ system, workload, master: s.master, startSeconds, ...result })}`);
} finally {
  await s.stop();
}
