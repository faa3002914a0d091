import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { JobSpec, SchedulerCommand, StageSpec, TaskSpec } from '../../src/scheduler/events.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { TaskErrorInfo } from '../../src/util/errors.js';
import { runSimulation } from './simulator.js';

// ---- helpers ----

function mapStage(stageId: number, numPartitions: number, shuffleId: number, parents: number[] = []): StageSpec {
  return { stageId, numPartitions, parents, shuffleId };
}
function finalStage(stageId: number, numPartitions: number, parents: number[] = []): StageSpec {
  return { stageId, numPartitions, parents };
}
function job(jobId: number, stages: StageSpec[], partitions?: number[]): JobSpec {
  const final = stages[stages.length - 1]!;
  return { jobId, finalStageId: final.stageId, stages, partitions: partitions ?? [...Array(final.numPartitions).keys()] };
}
function err(stageId: number, partition: number, message = 'boom'): TaskErrorInfo {
  return { operator: 'map', stageId, partition, attempt: 0, errorName: 'Error', message, stack: `Error: ${message}\n    at user.ts:1:1` };
}
function launches(cmds: SchedulerCommand[]): Array<{ task: TaskSpec; worker: string }> {
  return cmds.flatMap((c) => (c.type === 'LaunchTask' ? [{ task: c.task, worker: c.worker }] : []));
}
function types(cmds: SchedulerCommand[]): string[] {
  return cmds.map((c) => c.type);
}
function withWorkers(slots: Record<string, number>, config?: ConstructorParameters<typeof Scheduler>[0]): Scheduler {
  const s = new Scheduler(config);
  for (const [worker, n] of Object.entries(slots)) s.handle({ type: 'WorkerJoined', worker, slots: n });
  return s;
}
/** The running task of (stage, partition). */
function taskOf(s: Scheduler, stageId: number, partition: number): TaskSpec {
  const t = s.runningTasks().find((x) => x.stageId === stageId && x.partition === partition);
  assert.ok(t, `no running task for stage ${stageId} partition ${partition}`);
  return t;
}
/** Finishes every running task (repeatedly, as new ones launch) and returns all commands. */
function drain(s: Scheduler): SchedulerCommand[] {
  const all: SchedulerCommand[] = [];
  for (let t = s.runningTasks()[0]; t; t = s.runningTasks()[0]) all.push(...s.handle({ type: 'TaskFinished', taskId: t.taskId }));
  return all;
}

// ---- examples ----

describe('Scheduler', () => {
  it('runs a single-stage job on 2 workers, spreading tasks', () => {
    const s = withWorkers({ a: 2, b: 2 });
    const out = s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(10, 3)]) });
    assert.deepEqual(out[0], { type: 'StageSubmitted', jobId: 1, stageId: 10, numTasks: 3, attempt: 0 });
    assert.deepEqual(
      launches(out).map((l) => [l.task.partition, l.worker, l.task.attempt]),
      [
        [0, 'a', 0],
        [1, 'b', 0],
        [2, 'a', 0],
      ],
    );
    assert.equal(s.idleSlots(), 1);
    const ids = launches(out).map((l) => l.task.taskId);
    assert.equal(new Set(ids).size, 3);
    assert.deepEqual(types(s.handle({ type: 'TaskFinished', taskId: ids[1]! })), ['AcceptTask']);
    assert.deepEqual(types(s.handle({ type: 'TaskFinished', taskId: ids[0]! })), ['AcceptTask']);
    const last = s.handle({ type: 'TaskFinished', taskId: ids[2]! });
    assert.deepEqual(last, [
      { type: 'AcceptTask', task: { taskId: ids[2]!, jobId: 1, stageId: 10, partition: 2, attempt: 0 }, worker: 'a' },
      { type: 'StageCompleted', jobId: 1, stageId: 10 },
      { type: 'JobSucceeded', jobId: 1 },
    ]);
    assert.equal(s.idleSlots(), 4);
  });

  it('runs two map stages first and the final stage only after both complete', () => {
    const s = withWorkers({ a: 2, b: 2 });
    const spec = job(1, [mapStage(1, 2, 100), mapStage(2, 2, 200), finalStage(3, 2, [1, 2])]);
    const out = s.handle({ type: 'JobSubmitted', job: spec });
    assert.deepEqual(
      out.filter((c) => c.type === 'StageSubmitted').map((c) => (c as { stageId: number }).stageId),
      [1, 2],
    );
    assert.deepEqual(
      launches(out).map((l) => [l.task.stageId, l.task.partition]),
      [
        [1, 0],
        [1, 1],
        [2, 0],
        [2, 1],
      ],
    );
    // Finish stage 1 entirely and half of stage 2: the final stage must not start.
    let cmds = [
      ...s.handle({ type: 'TaskFinished', taskId: taskOf(s, 1, 0).taskId }),
      ...s.handle({ type: 'TaskFinished', taskId: taskOf(s, 1, 1).taskId }),
      ...s.handle({ type: 'TaskFinished', taskId: taskOf(s, 2, 0).taskId }),
    ];
    assert.ok(s.isShuffleAvailable(100));
    assert.ok(!s.isShuffleAvailable(200));
    assert.deepEqual(types(cmds), ['AcceptTask', 'AcceptTask', 'StageCompleted', 'AcceptTask']);
    cmds = s.handle({ type: 'TaskFinished', taskId: taskOf(s, 2, 1).taskId });
    assert.deepEqual(types(cmds), ['AcceptTask', 'StageCompleted', 'StageSubmitted', 'LaunchTask', 'LaunchTask']);
    assert.deepEqual(cmds[2], { type: 'StageSubmitted', jobId: 1, stageId: 3, numTasks: 2, attempt: 0 });
    assert.deepEqual(types(drain(s)), ['AcceptTask', 'AcceptTask', 'StageCompleted', 'JobSucceeded']);
  });

  it('skips a map stage whose shuffle is still available from an earlier job', () => {
    const s = withWorkers({ a: 4 });
    s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 3, 7), finalStage(2, 2, [1])]) });
    drain(s);
    assert.ok(s.isShuffleAvailable(7));
    const out = s.handle({ type: 'JobSubmitted', job: job(2, [mapStage(3, 3, 7), finalStage(4, 1, [3])]) });
    assert.deepEqual(types(out), ['StageSubmitted', 'LaunchTask']);
    assert.deepEqual(out[0], { type: 'StageSubmitted', jobId: 2, stageId: 4, numTasks: 1, attempt: 0 });
    assert.deepEqual(types(drain(s)), ['AcceptTask', 'StageCompleted', 'JobSucceeded']);
  });

  it('forgets a removed shuffle, so a later job computes it again', () => {
    const s = withWorkers({ a: 4 });
    s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 3, 7), finalStage(2, 2, [1])]) });
    drain(s);
    assert.deepEqual(s.handle({ type: 'ShuffleRemoved', shuffleId: 7 }), []);
    assert.equal(s.isShuffleAvailable(7), false);
    const out = s.handle({ type: 'JobSubmitted', job: job(2, [mapStage(3, 3, 7), finalStage(4, 1, [3])]) });
    assert.deepEqual(out[0], { type: 'StageSubmitted', jobId: 2, stageId: 3, numTasks: 3, attempt: 0 });
    assert.equal(launches(out).length, 3);
  });

  it('keeps a shuffle that a running job still writes', () => {
    const s = withWorkers({ a: 1 });
    s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 2, 9), finalStage(2, 1, [1])]) });
    s.handle({ type: 'ShuffleRemoved', shuffleId: 9 });
    assert.deepEqual(types(drain(s)).filter((t) => t === 'JobSucceeded'), ['JobSucceeded']);
    assert.ok(s.isShuffleAvailable(9));
  });

  it('retries a failed task and succeeds', () => {
    const s = withWorkers({ a: 1 });
    const first = launches(s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 1)]) }))[0]!;
    const retry = s.handle({ type: 'TaskFailed', taskId: first.task.taskId, error: err(1, 0) });
    assert.equal(retry.length, 1);
    const next = launches(retry)[0]!;
    assert.equal(next.task.attempt, 1);
    assert.equal(next.task.partition, 0);
    assert.notEqual(next.task.taskId, first.task.taskId);
    assert.deepEqual(types(s.handle({ type: 'TaskFinished', taskId: next.task.taskId })), ['AcceptTask', 'StageCompleted', 'JobSucceeded']);
  });

  it('fails the job after maxTaskFailures with the last error, and kills the other tasks', () => {
    const s = withWorkers({ a: 1, b: 1 }, { maxTaskFailures: 3 });
    let out = s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 2)]) });
    const sibling = launches(out).find((l) => l.task.partition === 1)!;
    for (let i = 0; i < 2; i++) {
      out = s.handle({ type: 'TaskFailed', taskId: taskOf(s, 1, 0).taskId, error: err(1, 0, `fail ${i}`) });
      assert.equal(launches(out)[0]!.task.attempt, i + 1);
    }
    out = s.handle({ type: 'TaskFailed', taskId: taskOf(s, 1, 0).taskId, error: err(1, 0, 'last') });
    assert.deepEqual(out, [
      { type: 'KillTask', taskId: sibling.task.taskId, worker: sibling.worker },
      { type: 'JobFailed', jobId: 1, error: { kind: 'task', info: err(1, 0, 'last'), attempts: 3 } },
    ]);
    // The killed sibling still holds its slot until the backend reports it.
    assert.equal(s.idleSlots(), 1);
    out = s.handle({ type: 'TaskFinished', taskId: sibling.task.taskId });
    assert.deepEqual(out, [{ type: 'DiscardTask', task: sibling.task }]);
    assert.equal(s.idleSlots(), 2);
    assert.deepEqual(s.handle({ type: 'TaskFailed', taskId: 999, error: err(1, 0) }), []);
    assert.deepEqual(s.handle({ type: 'TaskFinished', taskId: sibling.task.taskId }), []);
  });

  it('retries on another worker when one has a free slot, else on the same one', () => {
    const s = withWorkers({ a: 2, b: 1 });
    let out = s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 1)]) });
    assert.equal(launches(out)[0]!.worker, 'a');
    out = s.handle({ type: 'TaskFailed', taskId: launches(out)[0]!.task.taskId, error: err(1, 0) });
    assert.equal(launches(out)[0]!.worker, 'b', 'avoids a although a has more free slots');

    const t = withWorkers({ a: 1, b: 1 });
    out = t.handle({ type: 'JobSubmitted', job: job(2, [finalStage(5, 2)]) });
    const onA = launches(out).find((l) => l.worker === 'a')!;
    out = t.handle({ type: 'TaskFailed', taskId: onA.task.taskId, error: err(5, onA.task.partition) });
    assert.deepEqual(
      launches(out).map((l) => [l.task.partition, l.worker]),
      [[onA.task.partition, 'a']],
    );
  });

  it('re-runs only the lost map partitions when a worker dies with its outputs', () => {
    const s = withWorkers({ a: 2, b: 2 });
    s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 4, 9), finalStage(2, 2, [1])]) });
    // Map partitions 0, 2 ran on a; 1, 3 on b.
    let out: SchedulerCommand[] = [];
    for (const p of [0, 1, 2, 3]) out = s.handle({ type: 'TaskFinished', taskId: taskOf(s, 1, p).taskId });
    const finals = launches(out);
    assert.deepEqual(
      finals.map((l) => [l.task.stageId, l.task.partition, l.worker]),
      [
        [2, 0, 'a'],
        [2, 1, 'b'],
      ],
    );
    s.handle({ type: 'WorkerJoined', worker: 'c', slots: 1 });
    out = s.handle({ type: 'WorkerLost', worker: 'a', reason: 'OOM', outputsLost: true });
    assert.deepEqual(out, [
      { type: 'MapOutputLost', shuffleId: 9, mapPartition: 0 },
      { type: 'MapOutputLost', shuffleId: 9, mapPartition: 2 },
      { type: 'StageSubmitted', jobId: 1, stageId: 1, numTasks: 2, attempt: 1 },
      { type: 'LaunchTask', task: { taskId: 6, jobId: 1, stageId: 1, partition: 0, attempt: 1 }, worker: 'b' },
      { type: 'LaunchTask', task: { taskId: 7, jobId: 1, stageId: 1, partition: 2, attempt: 1 }, worker: 'c' },
    ]);
    assert.ok(!s.isShuffleAvailable(9));
    // The surviving final task finishes meanwhile and is kept.
    assert.deepEqual(types(s.handle({ type: 'TaskFinished', taskId: finals[1]!.task.taskId })), ['AcceptTask']);
    s.handle({ type: 'TaskFinished', taskId: 6 });
    out = s.handle({ type: 'TaskFinished', taskId: 7 });
    assert.deepEqual(out, [
      { type: 'AcceptTask', task: { taskId: 7, jobId: 1, stageId: 1, partition: 2, attempt: 1 }, worker: 'c' },
      { type: 'StageCompleted', jobId: 1, stageId: 1 },
      { type: 'StageSubmitted', jobId: 1, stageId: 2, numTasks: 1, attempt: 1 },
      // Final partition 0 failed on a (lost): its retry avoids nothing alive, any worker will do.
      { type: 'LaunchTask', task: { taskId: 8, jobId: 1, stageId: 2, partition: 0, attempt: 1 }, worker: 'b' },
    ]);
    assert.deepEqual(types(drain(s)), ['AcceptTask', 'StageCompleted', 'JobSucceeded']);
    // A late report from the dead worker is discarded.
    assert.deepEqual(s.handle({ type: 'TaskFinished', taskId: finals[0]!.task.taskId }), [
      { type: 'DiscardTask', task: finals[0]!.task },
    ]);
  });

  it('counts a lost worker against the failure budget of its running tasks', () => {
    const s = withWorkers({ a: 1 }, { maxTaskFailures: 1 });
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 1)]) });
    const out = s.handle({ type: 'WorkerLost', worker: 'a', reason: 'heartbeat timeout', outputsLost: false });
    assert.equal(out.length, 1);
    const failed = out[0]!;
    assert.ok(failed.type === 'JobFailed' && failed.error.kind === 'task');
    assert.equal(failed.error.info.internal, true);
    assert.match(failed.error.info.message, /heartbeat timeout/);
    assert.equal(failed.error.attempts, 1);
  });

  it('recovers from a fetch failure: map partition re-runs, then the reduce partition', () => {
    const s = withWorkers({ a: 2 });
    s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 2, 4), finalStage(2, 2, [1])]) });
    drainStage(s, 1);
    const r0 = taskOf(s, 2, 0);
    const r1 = taskOf(s, 2, 1);
    let out = s.handle({ type: 'TaskFailed', taskId: r0.taskId, error: err(2, 0, 'fetch'), fetchFailed: { shuffleId: 4, mapPartition: 1 } });
    assert.deepEqual(out, [
      { type: 'MapOutputLost', shuffleId: 4, mapPartition: 1 },
      { type: 'StageSubmitted', jobId: 1, stageId: 1, numTasks: 1, attempt: 1 },
      { type: 'LaunchTask', task: { taskId: 4, jobId: 1, stageId: 1, partition: 1, attempt: 1 }, worker: 'a' },
    ]);
    // The other reduce task already had its data and may finish.
    assert.deepEqual(types(s.handle({ type: 'TaskFinished', taskId: r1.taskId })), ['AcceptTask']);
    out = s.handle({ type: 'TaskFinished', taskId: 4 });
    assert.deepEqual(out.slice(1), [
      { type: 'StageCompleted', jobId: 1, stageId: 1 },
      { type: 'StageSubmitted', jobId: 1, stageId: 2, numTasks: 1, attempt: 1 },
      { type: 'LaunchTask', task: { taskId: 5, jobId: 1, stageId: 2, partition: 0, attempt: 1 }, worker: 'a' },
    ]);
    assert.deepEqual(types(drain(s)), ['AcceptTask', 'StageCompleted', 'JobSucceeded']);
  });

  it('fails the job when a stage keeps hitting fetch failures, without touching task failure counts', () => {
    const s = withWorkers({ a: 2 }, { maxStageAttempts: 2, maxTaskFailures: 1 });
    s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 1, 6), finalStage(2, 1, [1])]) });
    let out: SchedulerCommand[] = [];
    for (let i = 0; i < 2; i++) {
      drainStage(s, 1);
      out = s.handle({
        type: 'TaskFailed',
        taskId: taskOf(s, 2, 0).taskId,
        error: err(2, 0, 'no block'),
        fetchFailed: { shuffleId: 6, mapPartition: 0 },
      });
    }
    assert.equal(out[0]!.type, 'MapOutputLost');
    const last = out[out.length - 1]!;
    assert.ok(last.type === 'JobFailed' && last.error.kind === 'internal');
    assert.match(last.error.message, /shuffle 6/);
    assert.deepEqual(s.runningTasks(), []);
  });

  it('does not count a fetch failure of a straggler from an older stage attempt', () => {
    const s = withWorkers({ a: 3 }, { maxStageAttempts: 2 });
    s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 1, 8), finalStage(2, 2, [1])]) });
    drainStage(s, 1);
    const straggler = taskOf(s, 2, 1);
    const fetch = (taskId: number) =>
      s.handle({ type: 'TaskFailed', taskId, error: err(2, 0, 'fetch'), fetchFailed: { shuffleId: 8, mapPartition: 0 } });
    fetch(taskOf(s, 2, 0).taskId); // attempt 0 failed: 1 of 2 allowed
    drainStage(s, 1);
    // Attempt 1 runs partition 0 only: partition 1 is still running from attempt 0.
    assert.equal(s.runningTasks().filter((t) => t.stageId === 2).length, 2);
    const out = fetch(straggler.taskId);
    assert.ok(!out.some((c) => c.type === 'JobFailed'));
    drainStage(s, 1);
    assert.ok(drain(s).some((c) => c.type === 'JobSucceeded'));
  });

  it('cancels a job: kills its tasks, frees slots only when the backend reports them', () => {
    const s = withWorkers({ a: 2 });
    const started = launches(s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 3)]) }));
    const out = s.handle({ type: 'CancelJob', jobId: 1, reason: 'Ctrl-C' });
    assert.deepEqual(out, [
      ...started.map((l) => ({ type: 'KillTask', taskId: l.task.taskId, worker: 'a' })),
      { type: 'JobFailed', jobId: 1, error: { kind: 'cancelled', reason: 'Ctrl-C' } },
    ]);
    assert.deepEqual(s.handle({ type: 'CancelJob', jobId: 1, reason: 'again' }), []);
    assert.deepEqual(s.handle({ type: 'CancelJob', jobId: 42, reason: 'unknown' }), []);
    // A new job cannot use the killed tasks' slots until they are reported.
    assert.deepEqual(types(s.handle({ type: 'JobSubmitted', job: job(2, [finalStage(2, 1)]) })), ['StageSubmitted']);
    const out2 = s.handle({ type: 'TaskFailed', taskId: started[0]!.task.taskId, error: err(1, 0, 'killed') });
    assert.deepEqual(types(out2), ['DiscardTask', 'LaunchTask']);
    assert.equal(launches(out2)[0]!.task.jobId, 2);
  });

  it('runs two concurrent jobs that need the same shuffle', () => {
    const s = withWorkers({ a: 1, b: 1 });
    const a = s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 3, 5), finalStage(2, 2, [1])]) });
    const b = s.handle({ type: 'JobSubmitted', job: job(2, [mapStage(3, 3, 5), finalStage(4, 1, [3])]) });
    assert.deepEqual(launches(a).map((l) => l.task.jobId), [1, 1]);
    assert.deepEqual(types(b), ['StageSubmitted']); // no free slot: job 1 went first
    const all = drain(s);
    const ends = all.filter((c) => c.type === 'JobSucceeded').map((c) => (c as { jobId: number }).jobId);
    assert.deepEqual(ends.sort(), [1, 2]);
    const accepted = all.filter((c) => c.type === 'AcceptTask');
    // Map partitions are accepted once across both jobs; final ones once per job.
    assert.equal(accepted.filter((c) => c.type === 'AcceptTask' && c.task.stageId !== 2 && c.task.stageId !== 4).length, 3);
    assert.equal(accepted.filter((c) => c.type === 'AcceptTask' && c.task.stageId === 2).length, 2);
    assert.equal(accepted.filter((c) => c.type === 'AcceptTask' && c.task.stageId === 4).length, 1);
    assert.equal(s.idleSlots(), 2);
  });

  it('handles late and unknown reports gracefully', () => {
    const s = withWorkers({ a: 1 });
    assert.deepEqual(s.handle({ type: 'TaskFinished', taskId: 12345 }), []);
    assert.deepEqual(s.handle({ type: 'WorkerLost', worker: 'ghost', reason: 'x', outputsLost: true }), []);
    const t = launches(s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 1)]) }))[0]!.task;
    s.handle({ type: 'TaskFinished', taskId: t.taskId });
    assert.deepEqual(s.handle({ type: 'TaskFinished', taskId: t.taskId }), []);
    assert.deepEqual(s.handle({ type: 'TaskFailed', taskId: t.taskId, error: err(1, 0) }), []);
    assert.equal(s.idleSlots(), 1);
  });

  it('succeeds at once when the final stage has no partitions to compute', () => {
    const s = new Scheduler();
    const spec = job(1, [mapStage(1, 2, 3), finalStage(2, 4, [1])], []);
    assert.deepEqual(s.handle({ type: 'JobSubmitted', job: spec }), [{ type: 'JobSucceeded', jobId: 1 }]);
  });

  it('fails a malformed job alone', () => {
    const s = withWorkers({ a: 1 });
    const out = s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(2, 1, [77])]) });
    assert.equal(out.length, 1);
    assert.ok(out[0]!.type === 'JobFailed' && out[0]!.error.kind === 'internal');
  });

  it('queues tasks until a worker joins', () => {
    const s = new Scheduler();
    assert.deepEqual(types(s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 2)]) })), ['StageSubmitted']);
    assert.deepEqual(types(s.handle({ type: 'WorkerJoined', worker: 'a', slots: 1 })), ['LaunchTask']);
    assert.deepEqual(types(drain(s)), ['AcceptTask', 'LaunchTask', 'AcceptTask', 'StageCompleted', 'JobSucceeded']);
  });
});

/** Finishes the running tasks of one stage (and any of its retries). */
function drainStage(s: Scheduler, stageId: number): void {
  for (let t = s.runningTasks().find((x) => x.stageId === stageId); t; t = s.runningTasks().find((x) => x.stageId === stageId)) {
    s.handle({ type: 'TaskFinished', taskId: t.taskId });
  }
}

// ---- property ----

const shuffleArb = fc.record({ parts: fc.integer({ min: 0, max: 4 }), parentMask: fc.nat({ max: 31 }) });
const jobArb = fc.record({
  parts: fc.integer({ min: 0, max: 4 }),
  parentMask: fc.nat({ max: 31 }),
  partMask: fc.nat({ max: 15 }),
  allPartitions: fc.boolean(),
});
const scenarioArb = fc.record({
  shuffles: fc.array(shuffleArb, { maxLength: 5 }),
  jobs: fc.array(jobArb, { minLength: 1, maxLength: 3 }),
  workers: fc.array(fc.integer({ min: 1, max: 3 }), { minLength: 1, maxLength: 4 }),
  seed: fc.integer(),
  maxLosses: fc.integer({ min: 0, max: 2 }),
  failProbability: fc.double({ min: 0, max: 0.4, noNaN: true }),
});

/** Builds jobs over a shared pool of shuffles; each job gets fresh stage ids, as the DAG builder would. */
type Scenario = typeof scenarioArb extends fc.Arbitrary<infer T> ? T : never;

function buildJobs(sc: Scenario): JobSpec[] {
  const shuffleParents = sc.shuffles.map((s, i) => [...Array(i).keys()].filter((j) => (s.parentMask >> j) & 1));
  let nextStage = 0;
  return sc.jobs.map((j, jobId) => {
    const stageOf = new Map<number, number>();
    const stages: StageSpec[] = [];
    const need = (shuffle: number): number => {
      const known = stageOf.get(shuffle);
      if (known !== undefined) return known;
      const parents = shuffleParents[shuffle]!.map(need);
      const stageId = nextStage++;
      stageOf.set(shuffle, stageId);
      stages.push({ stageId, numPartitions: sc.shuffles[shuffle]!.parts, parents, shuffleId: shuffle });
      return stageId;
    };
    const parents = [...sc.shuffles.keys()].filter((k) => (j.parentMask >> k) & 1).map(need);
    const finalId = nextStage++;
    stages.push({ stageId: finalId, numPartitions: j.parts, parents });
    const partitions = [...Array(j.parts).keys()].filter((p) => j.allPartitions || (j.partMask >> p) & 1);
    return { jobId: jobId + 1, finalStageId: finalId, partitions, stages };
  });
}

describe('Scheduler (property)', () => {
  it('completes every job under random timing, transient failures and worker losses', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const jobs = buildJobs(sc);
        const opts = {
          seed: sc.seed,
          jobs,
          workers: sc.workers.map((slots, i) => ({ id: `w${i}`, slots })),
          maxLosses: sc.maxLosses,
          // Each (stage, partition) fails at most 1 + maxLosses times, below the default 4.
          failuresPerPartition: 1,
          failProbability: sc.failProbability,
        };
        const result = runSimulation(opts);
        for (const j of jobs) {
          assert.equal(result.outcomes.get(j.jobId), 'ok', `job ${j.jobId}: ${JSON.stringify(result.outcomes.get(j.jobId))}`);
          const got = result.accepted.get(j.jobId) ?? new Map<number, number>();
          assert.deepEqual([...got.keys()].sort((a, b) => a - b), j.partitions);
          for (const [p, n] of got) assert.equal(n, 1, `job ${j.jobId} partition ${p} accepted ${n} times`);
        }
        assert.deepEqual(result.scheduler.runningTasks(), []);
        assert.equal(result.scheduler.idleSlots(), result.liveSlots);
        // Determinism: the same run again gives the same commands.
        assert.deepEqual(runSimulation(opts).log, result.log);
      }),
      { numRuns: 300 },
    );
  });

  it('completes every job when lost workers rejoin under their own id and fetch failures list every lost output', () => {
    fc.assert(
      fc.property(scenarioArb, (sc) => {
        const jobs = buildJobs(sc);
        const opts = {
          seed: sc.seed,
          jobs,
          workers: sc.workers.map((slots, i) => ({ id: `w${i}`, slots })),
          maxLosses: sc.maxLosses,
          failuresPerPartition: 1,
          failProbability: sc.failProbability,
          rejoinSameId: true,
          reportAllLost: true,
        };
        const result = runSimulation(opts);
        for (const j of jobs) assert.equal(result.outcomes.get(j.jobId), 'ok', `job ${j.jobId}: ${JSON.stringify(result.outcomes.get(j.jobId))}`);
        assert.deepEqual(result.scheduler.runningTasks(), []);
        assert.equal(result.scheduler.idleSlots(), result.liveSlots);
      }),
      { numRuns: 200 },
    );
  });
});
