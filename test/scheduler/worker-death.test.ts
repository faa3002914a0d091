/**
 * The scheduler's side of dying workers and lost outputs: a worker lost while
 * idle and replaced under its own id, a loss reported with the backend's own
 * error per task, a task launched onto a worker whose loss is on its way, fatal
 * (non-retryable) errors, and a fetch failure that lists every lost output.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSpec, SchedulerCommand, StageSpec, TaskSpec } from '../../src/scheduler/events.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import type { TaskErrorInfo } from '../../src/util/errors.js';

const mapStage = (stageId: number, numPartitions: number, shuffleId: number): StageSpec => ({ stageId, numPartitions, parents: [], shuffleId });
const finalStage = (stageId: number, numPartitions: number, parents: number[] = []): StageSpec => ({ stageId, numPartitions, parents });
function job(jobId: number, stages: StageSpec[]): JobSpec {
  const final = stages[stages.length - 1]!;
  return { jobId, finalStageId: final.stageId, stages, partitions: [...Array(final.numPartitions).keys()] };
}
function err(stageId: number, partition: number, extra: Partial<TaskErrorInfo> = {}): TaskErrorInfo {
  return { operator: 'map', stageId, partition, attempt: 0, errorName: 'Error', message: 'boom', stack: 'Error: boom', ...extra };
}
const launches = (cmds: SchedulerCommand[]): Array<{ task: TaskSpec; worker: string }> =>
  cmds.flatMap((c) => (c.type === 'LaunchTask' ? [{ task: c.task, worker: c.worker }] : []));
function withWorkers(slots: Record<string, number>, config?: ConstructorParameters<typeof Scheduler>[0]): Scheduler {
  const s = new Scheduler(config);
  for (const [worker, n] of Object.entries(slots)) s.handle({ type: 'WorkerJoined', worker, slots: n });
  return s;
}
function finishAll(s: Scheduler): SchedulerCommand[] {
  const all: SchedulerCommand[] = [];
  for (let t = s.runningTasks()[0]; t; t = s.runningTasks()[0]) all.push(...s.handle({ type: 'TaskFinished', taskId: t.taskId }));
  return all;
}

describe('Scheduler: dying workers', () => {
  it('a job aborted when no worker is left fails at once, with its queued tasks dropped and running ones killed', () => {
    const s = withWorkers({ a: 1 });
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 3)]) });
    const [running] = s.runningTasks();
    // The last worker is lost: its task goes back to the queue, with nothing to run it.
    const lost = s.handle({ type: 'WorkerLost', worker: 'a', reason: 'gone', outputsLost: false });
    assert.deepEqual(launches(lost), []);
    assert.equal(s.idleSlots(), 0);
    const out = s.handle({ type: 'AbortJob', jobId: 1, message: 'no worker thread is left' });
    assert.deepEqual(out, [{ type: 'JobFailed', jobId: 1, error: { kind: 'internal', message: 'no worker thread is left' } }]);
    // A late report of the lost task is discarded; the aborted job is no longer there to abort.
    assert.deepEqual(s.handle({ type: 'TaskFinished', taskId: running!.taskId }).map((c) => c.type), ['DiscardTask']);
    assert.deepEqual(s.handle({ type: 'AbortJob', jobId: 1, message: 'again' }), []);
  });

  it('aborting a job kills its running tasks', () => {
    const s = withWorkers({ a: 2 });
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 2)]) });
    const out = s.handle({ type: 'AbortJob', jobId: 1, message: 'stop' });
    assert.deepEqual(out.map((c) => c.type), ['KillTask', 'KillTask', 'JobFailed']);
  });

  it('a worker lost while idle and replaced under its own id runs the next job', () => {
    const s = withWorkers({ a: 1, b: 1 });
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 2)]) });
    assert.ok(finishAll(s).some((c) => c.type === 'JobSucceeded'));
    // Idle: nothing to fail, nothing to recompute.
    assert.deepEqual(s.handle({ type: 'WorkerLost', worker: 'a', reason: 'uncaught exception', outputsLost: false }), []);
    assert.equal(s.idleSlots(), 1);
    // Until it is back, only b gets tasks.
    let out = s.handle({ type: 'JobSubmitted', job: job(2, [finalStage(2, 2)]) });
    assert.deepEqual(launches(out).map((l) => l.worker), ['b']);
    out = s.handle({ type: 'WorkerJoined', worker: 'a', slots: 1 });
    assert.deepEqual(launches(out).map((l) => [l.worker, l.task.partition]), [['a', 1]]);
    assert.deepEqual(finishAll(s).filter((c) => c.type === 'JobSucceeded'), [{ type: 'JobSucceeded', jobId: 2 }]);
  });

  it("fails a lost worker's task with the backend's error for it, and retries it", () => {
    const s = withWorkers({ a: 1, b: 1 }, { maxTaskFailures: 2 });
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 1)]) });
    const t = s.runningTasks()[0]!;
    const own = err(1, 0, { operator: 'mapPartitionsWithIndex', message: 'worker thread exited with code 7', internal: true });
    let out = s.handle({ type: 'WorkerLost', worker: 'a', reason: 'exit', outputsLost: false, taskErrors: { [t.taskId]: own } });
    assert.deepEqual(launches(out).map((l) => [l.worker, l.task.attempt]), [['b', 1]]);
    out = s.handle({ type: 'WorkerLost', worker: 'b', reason: 'exit', outputsLost: false, taskErrors: { [s.runningTasks()[0]!.taskId]: own } });
    const failed = out.find((c) => c.type === 'JobFailed');
    assert.ok(failed?.type === 'JobFailed' && failed.error.kind === 'task');
    assert.equal(failed.error.info.operator, 'mapPartitionsWithIndex');
    assert.equal(failed.error.attempts, 2);
  });

  it('a task launched onto a worker whose loss is still on its way is failed with it and retried', () => {
    const s = withWorkers({ a: 1, b: 1 });
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 3)]) });
    // Task of partition 0 (on a) finishes; the scheduler at once launches partition 2 on a...
    const onA = s.runningTasks().find((t) => t.partition === 0)!;
    const out = s.handle({ type: 'TaskFinished', taskId: onA.taskId });
    const relaunched = launches(out)[0]!;
    assert.equal(relaunched.worker, 'a');
    // ...but a had died meanwhile: the loss fails the task that never started, and it runs again.
    s.handle({ type: 'WorkerLost', worker: 'a', reason: 'died between tasks', outputsLost: false });
    s.handle({ type: 'WorkerJoined', worker: 'a', slots: 1 });
    const done = finishAll(s);
    assert.ok(done.some((c) => c.type === 'JobSucceeded'));
    const accepted = done.filter((c): c is Extract<SchedulerCommand, { type: 'AcceptTask' }> => c.type === 'AcceptTask').map((c) => c.task.partition);
    assert.deepEqual(accepted.sort(), [1, 2]);
  });

  it('a fatal error fails the job at its first failure', () => {
    const s = withWorkers({ a: 1 });
    s.handle({ type: 'JobSubmitted', job: job(1, [finalStage(1, 2)]) });
    const t = s.runningTasks()[0]!;
    const out = s.handle({ type: 'TaskFailed', taskId: t.taskId, error: err(1, t.partition, { errorName: 'InputError', fatal: true }) });
    const failed = out.find((c) => c.type === 'JobFailed');
    assert.ok(failed?.type === 'JobFailed' && failed.error.kind === 'task');
    assert.equal(failed.error.attempts, 1);
    assert.equal(failed.error.info.errorName, 'InputError');
  });

  it('a fetch failure listing every lost output recomputes them all in one stage attempt', () => {
    const s = withWorkers({ a: 2, b: 2 });
    s.handle({ type: 'JobSubmitted', job: job(1, [mapStage(1, 4, 7), finalStage(2, 2, [1])]) });
    for (let i = 0; i < 4; i++) s.handle({ type: 'TaskFinished', taskId: s.runningTasks().find((t) => t.stageId === 1)!.taskId });
    const r0 = s.runningTasks().find((t) => t.stageId === 2)!;
    const out = s.handle({ type: 'TaskFailed', taskId: r0.taskId, error: err(2, 0), fetchFailed: { shuffleId: 7, mapPartition: 2, lost: [0, 1, 2, 3] } });
    assert.deepEqual(
      out.filter((c) => c.type === 'MapOutputLost').map((c) => (c.type === 'MapOutputLost' ? c.mapPartition : -1)),
      [2, 0, 1, 3],
    );
    assert.deepEqual(out.find((c) => c.type === 'StageSubmitted'), { type: 'StageSubmitted', jobId: 1, stageId: 1, numTasks: 4, attempt: 1 });
    const rest = finishAll(s);
    // One resubmission of the map stage, then the reduce stage, then success.
    assert.deepEqual(rest.filter((c) => c.type === 'StageSubmitted').map((c) => (c.type === 'StageSubmitted' ? c.stageId : -1)), [2]);
    assert.ok(rest.some((c) => c.type === 'JobSucceeded'));
  });
});
