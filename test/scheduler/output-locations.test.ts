/**
 * The scheduler knows which worker holds every map output and cached partition: losing a
 * worker (outputsLost) loses all it held at once, and tasks prefer the holder of the cached
 * partition they read. Events in, commands out.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSpec, SchedulerCommand, StageSpec } from '../../src/scheduler/events.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';

const mapStage = (stageId: number, n: number, shuffleId: number, parents: number[] = []): StageSpec => ({ stageId, numPartitions: n, parents, shuffleId });
const finalStage = (stageId: number, n: number, parents: number[] = [], cachedNodes?: number[]): StageSpec => ({ stageId, numPartitions: n, parents, ...(cachedNodes ? { cachedNodes } : {}) });
const job = (jobId: number, stages: StageSpec[]): JobSpec => {
  const final = stages[stages.length - 1]!;
  return { jobId, finalStageId: final.stageId, stages, partitions: [...Array(final.numPartitions).keys()] };
};
const ofType = <T extends SchedulerCommand['type']>(cmds: SchedulerCommand[], type: T) => cmds.filter((c): c is Extract<SchedulerCommand, { type: T }> => c.type === type);

function withWorkers(...ids: string[]): Scheduler {
  const s = new Scheduler();
  for (const worker of ids) s.handle({ type: 'WorkerJoined', worker, slots: 1 });
  return s;
}

/** Finishes running tasks one by one (the earliest first), as each reports `cached` for a node; returns all commands. */
function drain(s: Scheduler, cachedNode?: number): SchedulerCommand[] {
  const all: SchedulerCommand[] = [];
  for (let t = s.runningTasks()[0]; t; t = s.runningTasks()[0]) {
    all.push(...s.handle({ type: 'TaskFinished', taskId: t.taskId, cached: cachedNode === undefined ? undefined : [{ nodeId: cachedNode, partition: t.partition }] }));
  }
  return all;
}

describe('Scheduler: output locations', () => {
  it('a worker lost with the map outputs of a finished stage, while the next stage runs: all its outputs are recomputed, the others kept', () => {
    const s = withWorkers('a', 'b');
    const spec = job(1, [mapStage(1, 4, 7), finalStage(2, 2, [1])]);
    const where = new Map<number, string>();
    let out = s.handle({ type: 'JobSubmitted', job: spec });
    // Map tasks finish in launch order; each records where its output lives.
    for (let t = s.runningTasks()[0]; t && t.stageId === 1; t = s.runningTasks()[0]) {
      const launch = [...out].reverse().find((c) => c.type === 'LaunchTask' && c.task.taskId === t!.taskId) as Extract<SchedulerCommand, { type: 'LaunchTask' }>;
      where.set(t.partition, launch.worker);
      out = [...out, ...s.handle({ type: 'TaskFinished', taskId: t.taskId })];
    }
    assert.ok(s.isShuffleAvailable(7));
    assert.ok(ofType(out, 'StageSubmitted').some((c) => c.stageId === 2), 'the reduce stage runs');
    const onA = [...where].filter(([, w]) => w === 'a').map(([p]) => p).sort();
    assert.ok(onA.length > 0 && onA.length < 4, JSON.stringify([...where]));
    const lost = s.handle({ type: 'WorkerLost', worker: 'a', reason: 'killed', outputsLost: true });
    assert.deepEqual(ofType(lost, 'MapOutputLost').map((c) => c.mapPartition), onA, 'exactly the outputs a held');
    assert.ok(!s.isShuffleAvailable(7));
    const resubmitted = ofType(lost, 'StageSubmitted').find((c) => c.stageId === 1);
    assert.equal(resubmitted?.numTasks, onA.length, 'the map stage runs again for the lost outputs only');
    const rest = [...lost, ...drain(s)];
    assert.equal(ofType(rest, 'JobSucceeded').length, 1);
    // Every final partition accepted exactly once over the whole job.
    const finals = [...out, ...rest].filter((c): c is Extract<SchedulerCommand, { type: 'AcceptTask' }> => c.type === 'AcceptTask' && c.task.stageId === 2);
    assert.deepEqual(finals.map((c) => c.task.partition).sort(), [0, 1]);
  });

  it("a cached partition's holder is preferred; losing it loses exactly its cached partitions", () => {
    const s = withWorkers('a', 'b');
    const NODE = 5;
    // Job 1 computes and caches 4 partitions of node 5: they land where their tasks ran.
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 4, [], [NODE])]) });
    drain(s, NODE);
    const holder = [0, 1, 2, 3].map((p) => s.cachedAt(NODE, p));
    assert.ok(holder.every((w) => w === 'a' || w === 'b'), JSON.stringify(holder));
    // Job 2 reads the cache: each task goes to its partition's holder while that one is free.
    const out = s.handle({ type: 'JobSubmitted', job: job(2, [finalStage(2, 4, [], [NODE])]) });
    for (const l of ofType(out, 'LaunchTask')) assert.equal(l.worker, holder[l.task.partition], `partition ${l.task.partition}`);
    drain(s);
    // Losing a worker that kept its outputs (a restarted thread) loses nothing.
    assert.deepEqual(ofType(s.handle({ type: 'WorkerLost', worker: 'b', reason: 'restart', outputsLost: false }), 'CachedPartitionLost'), []);
    s.handle({ type: 'WorkerJoined', worker: 'b', slots: 1 });
    assert.deepEqual([0, 1, 2, 3].map((p) => s.cachedAt(NODE, p)), holder);
    // Losing a with its outputs: its cached partitions are lost at once, b's stay.
    const lost = ofType(s.handle({ type: 'WorkerLost', worker: 'a', reason: 'kill -9', outputsLost: true }), 'CachedPartitionLost');
    const onA = [0, 1, 2, 3].filter((p) => holder[p] === 'a');
    assert.deepEqual(lost.map((c) => [c.nodeId, c.partition, c.worker]), onA.map((p) => [NODE, p, 'a']));
    assert.deepEqual([0, 1, 2, 3].map((p) => s.cachedAt(NODE, p)), holder.map((w) => (w === 'a' ? undefined : w)));
    // Unpersisting forgets the rest.
    s.handle({ type: 'CacheRemoved', nodeId: NODE });
    assert.deepEqual([0, 1, 2, 3].map((p) => s.cachedAt(NODE, p)), [undefined, undefined, undefined, undefined]);
  });

  it('a task goes to its cached partition\'s holder even when another worker has more free slots', () => {
    const s = withWorkers('a');
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 2, [], [3])]) });
    drain(s, 3);
    s.handle({ type: 'WorkerJoined', worker: 'b', slots: 4 });
    const out = s.handle({ type: 'JobSubmitted', job: job(2, [finalStage(2, 2, [], [3])]) });
    // Without the preference both would go to b (most free slots); partition 1 waits for its busy holder...
    assert.deepEqual(ofType(out, 'LaunchTask').map((l) => [l.task.partition, l.worker]), [[0, 'a']]);
    assert.deepEqual(ofType(out, 'WakeAt'), [{ type: 'WakeAt', at: 3000 }]);
    // ...until the locality wait is over.
    assert.deepEqual(ofType(s.handle({ type: 'Tick' }, 2999), 'LaunchTask'), []);
    assert.deepEqual(ofType(s.handle({ type: 'Tick' }, 3000), 'LaunchTask').map((l) => [l.task.partition, l.worker]), [[1, 'b']]);
  });

  it('a discarded duplicate does not move a cached partition', () => {
    const s = withWorkers('a');
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 1, [], [9])]) });
    drain(s, 9);
    assert.equal(s.cachedAt(9, 0), 'a');
    s.handle({ type: 'WorkerJoined', worker: 'b', slots: 1 });
    s.handle({ type: 'JobSubmitted', job: job(2, [finalStage(2, 1, [], [9])]) });
    const t = s.runningTasks()[0]!;
    s.handle({ type: 'TaskFinished', taskId: t.taskId, cached: [{ nodeId: 9, partition: 0 }] });
    assert.equal(s.cachedAt(9, 0), 'a', 'the first copy stays where it is');
  });

  it('a cached partition lost mid-job is recomputed in the same job: the stages behind the cache run then, and only then', () => {
    const NODE = 4;
    // Job 1: map stage 1 (shuffle 6), then stage 2 computes and caches node 4 (2 partitions).
    const s = withWorkers('a', 'b');
    s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 2, 6), finalStage(2, 2, [1], [NODE])]) });
    drain(s, NODE);
    assert.ok(s.cachedAt(NODE, 0) !== undefined && s.cachedAt(NODE, 1) !== undefined);
    // Job 2 reads the cache; stage 3 (writing shuffle 6 again) is behind it.
    const reader = (jobId: number, stageId: number): JobSpec => ({
      jobId,
      finalStageId: stageId,
      partitions: [0, 1],
      stages: [mapStage(stageId + 1, 2, 6), { stageId, numPartitions: 2, parents: [], cachedNodes: [NODE], cachedParents: [{ nodeId: NODE, numPartitions: 2, parents: [stageId + 1] }] }],
    });
    // With the cache complete, the stage behind it is never submitted.
    const quiet = [...s.handle({ type: 'JobSubmitted', job: reader(2, 3) }), ...drain(s)];
    assert.deepEqual(ofType(quiet, 'StageSubmitted').map((c) => c.stageId), [3]);
    assert.equal(ofType(quiet, 'JobSucceeded').length, 1);
    // Job 3: while its tasks run, the worker holding partition 0 of the cache dies with its
    // outputs (shuffle 6's outputs on it go too).
    const holder = s.cachedAt(NODE, 0)!;
    const out = [...s.handle({ type: 'JobSubmitted', job: reader(3, 5) })];
    const lost = s.handle({ type: 'WorkerLost', worker: holder, reason: 'kill -9', outputsLost: true });
    out.push(...lost);
    assert.ok(ofType(lost, 'CachedPartitionLost').some((c) => c.partition === 0));
    s.handle({ type: 'WorkerJoined', worker: 'c', slots: 1 });
    // Fetch failures of tasks that find shuffle 6 gone are reported as a backend would.
    for (let t = s.runningTasks()[0]; t; t = s.runningTasks()[0]) {
      const needsShuffle = t.stageId === 5 && s.cachedAt(NODE, t.partition) === undefined && !s.isShuffleAvailable(6);
      out.push(...s.handle(needsShuffle ? { type: 'TaskFailed', taskId: t.taskId, error: { operator: 'reduceByKey', stageId: 5, partition: t.partition, attempt: t.attempt, errorName: 'FetchFailedError', message: 'gone', stack: '' }, fetchFailed: { shuffleId: 6, mapPartition: 0 } } : { type: 'TaskFinished', taskId: t.taskId }));
    }
    assert.ok(ofType(out, 'StageSubmitted').some((c) => c.stageId === 6), 'the stage behind the cache ran in the same job');
    assert.equal(ofType(out, 'JobSucceeded').length, 1);
    assert.deepEqual(ofType(out, 'AcceptTask').filter((c) => c.task.stageId === 5).map((c) => c.task.partition).sort(), [0, 1]);
  });
});
