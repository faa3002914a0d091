/**
 * Locality and delay scheduling on a simulated multi-host cluster: a task prefers the worker
 * holding its cached partition, then a worker on the host of its input file; when those are
 * busy its stage waits up to localityWaitMs (per level) before launching it elsewhere. Time
 * goes in as `handle`'s clock, with Tick events for the WakeAt commands.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSpec, SchedulerCommand, SchedulerConfig, StageSpec } from '../../src/scheduler/events.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { seededRandom } from '../../src/util/random.js';

type Launch = Extract<SchedulerCommand, { type: 'LaunchTask' }>;
const launches = (cmds: SchedulerCommand[]): Array<[number, string]> =>
  cmds.filter((c): c is Launch => c.type === 'LaunchTask').map((l) => [l.task.partition, l.worker]);
const wakes = (cmds: SchedulerCommand[]): number[] => cmds.flatMap((c) => (c.type === 'WakeAt' ? [c.at] : []));

function cluster(workers: Array<[string, string, number?]>, config?: Partial<SchedulerConfig>): Scheduler {
  const s = new Scheduler(config);
  for (const [worker, host, slots] of workers) s.handle({ type: 'WorkerJoined', worker, host, slots: slots ?? 1 });
  return s;
}
const fileJob = (jobId: number, hosts: Array<string[] | undefined>, extra: Partial<StageSpec> = {}): JobSpec => ({
  jobId,
  finalStageId: jobId,
  partitions: hosts.map((_, p) => p),
  stages: [{ stageId: jobId, numPartitions: hosts.length, parents: [], hosts, ...extra }],
});
const finish = (s: Scheduler, partition: number, now: number): SchedulerCommand[] => {
  const t = s.runningTasks().find((r) => r.partition === partition)!;
  return s.handle({ type: 'TaskFinished', taskId: t.taskId }, now);
};

describe('Scheduler: locality and delay scheduling', () => {
  it('tasks go to a worker on the host of their input file; one whose host is busy waits for it', () => {
    const s = cluster([['a', 'h1'], ['b', 'h2'], ['c', 'h2']]);
    const out = s.handle({ type: 'JobSubmitted', job: fileJob(1, [['h1'], ['h2'], ['h2'], ['h1']]) }, 0);
    assert.deepEqual(launches(out), [[0, 'a'], [1, 'b'], [2, 'c']]);
    assert.deepEqual(wakes(out), [], 'no slot is free: nothing to wake for');
    // b frees up first: partition 3 still waits for h1 rather than run on h2, until 3000.
    const out2 = finish(s, 1, 1000);
    assert.deepEqual(launches(out2), []);
    assert.deepEqual(wakes(out2), [3000]);
    // a frees up within the wait: partition 3 runs there.
    assert.deepEqual(launches(finish(s, 0, 2000)), [[3, 'a']]);
  });

  it('after localityWaitMs without a local launch, a waiting task runs on another host; a local launch resets the wait', () => {
    const s = cluster([['a', 'h1'], ['b', 'h2']]);
    const all = Array.from({ length: 4 }, () => ['h1']);
    const out = s.handle({ type: 'JobSubmitted', job: fileJob(1, all) }, 0);
    assert.deepEqual(launches(out), [[0, 'a']]);
    assert.deepEqual(launches(s.handle({ type: 'Tick' }, 2999)), [], 'not before the wait is over');
    assert.deepEqual(launches(s.handle({ type: 'Tick' }, 3000)), [[1, 'b']]);
    // a finishes: partition 2 runs locally there, which makes the stage wait again for h1...
    assert.deepEqual(launches(finish(s, 0, 3500)), [[2, 'a']]);
    const out2 = finish(s, 1, 3600);
    assert.deepEqual(launches(out2), [], 'b stays idle: the stage waits for h1 again');
    assert.deepEqual(wakes(out2), [6500]);
    // ...until 3000 ms after that local launch.
    assert.deepEqual(launches(s.handle({ type: 'Tick' }, 6500)), [[3, 'b']]);
  });

  it('a cached partition\'s worker comes first, then its host, then anywhere, one wait per level', () => {
    const s = cluster([['a', 'h1']]);
    const NODE = 7;
    // Job 1 caches partition 0 on a.
    const cache: JobSpec = { jobId: 1, finalStageId: 1, partitions: [0], stages: [{ stageId: 1, numPartitions: 1, parents: [], cachedNodes: [NODE] }] };
    assert.deepEqual(launches(s.handle({ type: 'JobSubmitted', job: cache }, 0)), [[0, 'a']]);
    s.handle({ type: 'TaskFinished', taskId: s.runningTasks()[0]!.taskId, cached: [{ nodeId: NODE, partition: 0 }] }, 10);
    assert.equal(s.cachedAt(NODE, 0), 'a');
    s.handle({ type: 'WorkerJoined', worker: 'a2', host: 'h1', slots: 1 }, 10);
    s.handle({ type: 'WorkerJoined', worker: 'b', host: 'h2', slots: 1 }, 10);
    // a is busy with job 3, a2 and b with job 0.
    assert.deepEqual(launches(s.handle({ type: 'JobSubmitted', job: fileJob(3, [undefined]) }, 10)), [[0, 'a']]);
    assert.deepEqual(launches(s.handle({ type: 'JobSubmitted', job: fileJob(0, [undefined, undefined]) }, 10)), [[0, 'a2'], [1, 'b']]);
    // Job 2's partition 0 reads the cached partition on a.
    const reader: JobSpec = { jobId: 2, finalStageId: 2, partitions: [0], stages: [{ stageId: 2, numPartitions: 1, parents: [], cachedNodes: [NODE] }] };
    assert.deepEqual(launches(s.handle({ type: 'JobSubmitted', job: reader }, 100)), []);
    // Job 0's tasks end: a2 (host h1) and b free. Within the wait the task keeps waiting for a.
    for (const r of s.runningTasks().filter((x) => x.jobId === 0)) assert.deepEqual(launches(s.handle({ type: 'TaskFinished', taskId: r.taskId }, 200)), []);
    // After one wait, the host level: a2, not b.
    assert.deepEqual(launches(s.handle({ type: 'Tick' }, 3100)), [[0, 'a2']]);
  });

  it('a preference no live worker can meet does not delay a task; localityWaitMs 0 never waits', () => {
    const s = cluster([['a', 'h1'], ['b', 'h2']]);
    assert.deepEqual(launches(s.handle({ type: 'JobSubmitted', job: fileJob(1, [['h9'], ['h9']]) }, 0)), [[0, 'a'], [1, 'b']]);
    const z = cluster([['a', 'h1'], ['b', 'h2']], { localityWaitMs: 0 });
    const out = z.handle({ type: 'JobSubmitted', job: fileJob(1, [['h1'], ['h1']]) }, 0);
    assert.deepEqual(launches(out), [[0, 'a'], [1, 'b']]);
    assert.deepEqual(wakes(out), []);
  });

  it('while one stage waits for local slots, a later stage uses the free ones', () => {
    const s = cluster([['a', 'h1'], ['b', 'h2']]);
    s.handle({ type: 'JobSubmitted', job: fileJob(1, [['h1'], ['h1']]) }, 0);
    const out = s.handle({ type: 'JobSubmitted', job: fileJob(2, [undefined]) }, 10);
    assert.deepEqual(launches(out), [[0, 'b']]);
  });

  it('random clusters and preferences: every job completes, and a task runs off its hosts only after a full wait without a local launch', () => {
    for (let seed = 1; seed <= 30; seed++) {
      const rand = seededRandom(seed);
      const hosts = ['h1', 'h2', 'h3'];
      const workers: Array<[string, string, number]> = [];
      for (let i = 0; i < 2 + Math.floor(rand() * 4); i++) workers.push([`w${i}`, hosts[Math.floor(rand() * 3)]!, 1 + Math.floor(rand() * 2)]);
      const hostOf = new Map(workers.map(([w, h]) => [w, h]));
      const s = cluster(workers);
      const n = 5 + Math.floor(rand() * 20);
      const prefs = Array.from({ length: n }, () => (rand() < 0.8 ? [hosts[Math.floor(rand() * 3)]!] : undefined));
      let now = 0;
      let lastLocal = 0;
      let pendingWake: number | undefined;
      let succeeded = false;
      const apply = (cmds: SchedulerCommand[]): void => {
        for (const c of cmds) {
          if (c.type === 'WakeAt') pendingWake = c.at;
          if (c.type === 'JobSucceeded') succeeded = true;
          if (c.type !== 'LaunchTask') continue;
          const want = prefs[c.task.partition];
          const live = want && workers.some(([, h]) => want.includes(h));
          if (!live || want.includes(hostOf.get(c.worker)!)) {
            if (live) lastLocal = now;
          } else {
            // Off its hosts: only after a full wait since the stage's last local launch (or its start).
            assert.ok(now - lastLocal >= 3000, `seed ${seed}: partition ${c.task.partition} ran off-host at ${now}, last local launch ${lastLocal}`);
          }
        }
      };
      apply(s.handle({ type: 'JobSubmitted', job: fileJob(1, prefs) }, now));
      for (let step = 0; !succeeded; step++) {
        assert.ok(step < 10_000, `seed ${seed}: did not finish`);
        const running = s.runningTasks();
        if (running.length > 0 && (pendingWake === undefined || rand() < 0.7)) {
          now += Math.floor(rand() * 800);
          const t = running[Math.floor(rand() * running.length)]!;
          apply(s.handle({ type: 'TaskFinished', taskId: t.taskId }, now));
        } else {
          assert.ok(pendingWake !== undefined, `seed ${seed}: nothing runs and no wake is pending`);
          now = Math.max(now, pendingWake);
          pendingWake = undefined;
          apply(s.handle({ type: 'Tick' }, now));
        }
      }
    }
  });
});
