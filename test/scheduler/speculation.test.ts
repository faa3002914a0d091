/**
 * Speculative execution: once `quantile` of a stage's tasks are done, a task running longer
 * than multiplier × their median (and minMs) gets a copy on another worker; the first copy to
 * finish is accepted, the other is killed and its output discarded. Time goes in as `handle`'s
 * clock, with Tick events for the WakeAt commands.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { JobSpec, SchedulerCommand, SchedulerConfig } from '../../src/scheduler/events.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';
import { runSimulation } from './simulator.js';

const SPEC: Partial<SchedulerConfig> = { speculation: { multiplier: 1.5, quantile: 0.75, minMs: 100 } };
const ofType = <T extends SchedulerCommand['type']>(cmds: SchedulerCommand[], type: T) => cmds.filter((c): c is Extract<SchedulerCommand, { type: T }> => c.type === type);

function setup(config: Partial<SchedulerConfig> = SPEC, workers = ['a', 'b'], stages?: JobSpec['stages']): Scheduler {
  const s = new Scheduler(config);
  for (const worker of workers) s.handle({ type: 'WorkerJoined', worker, slots: 2 }, 0);
  const st = stages ?? [{ stageId: 1, numPartitions: 4, parents: [] }];
  s.handle({ type: 'JobSubmitted', job: { jobId: 1, finalStageId: st[st.length - 1]!.stageId, partitions: [0, 1, 2, 3], stages: st } }, 0);
  return s;
}
const taskOf = (s: Scheduler, partition: number, speculative = false) => s.runningTasks().find((t) => t.partition === partition && !!t.speculative === speculative)!;
const finish = (s: Scheduler, partition: number, now: number, speculative = false) => s.handle({ type: 'TaskFinished', taskId: taskOf(s, partition, speculative).taskId }, now);

/** Partitions 1..3 finish at 100, 100, 120: p0 (on a) is a straggler past 1.5 × 100 = 150 ms. */
function straggle(s: Scheduler): SchedulerCommand[] {
  finish(s, 1, 100);
  finish(s, 2, 100);
  const out = finish(s, 3, 120);
  assert.deepEqual(ofType(out, 'WakeAt').map((c) => c.at), [151], 'wakes when p0 passes the threshold');
  assert.deepEqual(ofType(s.handle({ type: 'Tick' }, 150), 'LaunchTask'), [], 'not a straggler yet');
  return s.handle({ type: 'Tick' }, 151);
}

describe('Scheduler: speculative execution', () => {
  it('a straggler gets a copy on another worker; the copy wins, the original is killed and its late report discarded', () => {
    const s = setup();
    const original = taskOf(s, 0);
    const launched = ofType(straggle(s), 'LaunchTask');
    assert.equal(launched.length, 1);
    assert.equal(launched[0]!.task.partition, 0);
    assert.equal(launched[0]!.task.speculative, true);
    assert.equal(launched[0]!.task.attempt, 1);
    assert.equal(launched[0]!.worker, 'b', 'not on a, which runs the original');
    const won = finish(s, 0, 160, true);
    assert.deepEqual(ofType(won, 'AcceptTask').map((c) => [c.task.taskId, c.worker]), [[launched[0]!.task.taskId, 'b']]);
    assert.deepEqual(ofType(won, 'KillTask').map((c) => [c.taskId, c.worker]), [[original.taskId, 'a']]);
    assert.equal(ofType(won, 'JobSucceeded').length, 1);
    const late = s.handle({ type: 'TaskFailed', taskId: original.taskId, error: { operator: 'map', stageId: 1, partition: 0, attempt: 0, errorName: 'WorkerError', message: 'task was killed', stack: '' } }, 170);
    assert.deepEqual(late.map((c) => c.type), ['DiscardTask']);
  });

  it('the original wins: the copy is killed, a late success of it discarded', () => {
    const s = setup();
    const copy = ofType(straggle(s), 'LaunchTask')[0]!;
    const won = finish(s, 0, 170);
    assert.deepEqual(ofType(won, 'KillTask').map((c) => [c.taskId, c.worker]), [[copy.task.taskId, 'b']]);
    assert.equal(ofType(won, 'AcceptTask')[0]!.worker, 'a');
    const late = s.handle({ type: 'TaskFinished', taskId: copy.task.taskId }, 180);
    assert.deepEqual(late.map((c) => c.type), ['DiscardTask']);
  });

  it('a map stage: the winning copy\'s output is where the shuffle is read from; losing the loser\'s worker loses nothing', () => {
    const s = setup(SPEC, ['a', 'b'], [
      { stageId: 1, numPartitions: 4, parents: [], shuffleId: 9 },
      { stageId: 2, numPartitions: 4, parents: [1] },
    ]);
    straggle(s);
    finish(s, 0, 160, true);
    assert.ok(s.isShuffleAvailable(9));
    // The original ran on a: a can go without the shuffle's p0 (its output there was never accepted).
    const lost = s.handle({ type: 'WorkerLost', worker: 'a', reason: 'killed', outputsLost: true }, 170);
    assert.ok(!ofType(lost, 'MapOutputLost').some((c) => c.mapPartition === 0), JSON.stringify(lost));
  });

  it('no copy before quantile of the tasks are done, none on the worker running the original, none when speculation is off', () => {
    const early = setup();
    finish(early, 1, 100);
    finish(early, 2, 100);
    assert.deepEqual(ofType(early.handle({ type: 'Tick' }, 10_000), 'LaunchTask'), [], '2 of 4 done: below 0.75');
    const lonely = setup(SPEC, ['a']);
    // One worker with 2 slots: partitions 0 and 1 run; 1 finishes, then 2, 3 in turn.
    finish(lonely, 1, 100);
    finish(lonely, 2, 200);
    finish(lonely, 3, 300);
    assert.deepEqual(ofType(lonely.handle({ type: 'Tick' }, 10_000), 'LaunchTask'), [], 'a copy never runs beside its original');
    const off = setup({});
    finish(off, 1, 100);
    finish(off, 2, 100);
    const out = finish(off, 3, 120);
    assert.deepEqual(ofType(out, 'WakeAt'), []);
    assert.deepEqual(ofType(off.handle({ type: 'Tick' }, 10_000), 'LaunchTask'), []);
  });

  it('random timing with speculation on: every job completes with each final partition accepted once', () => {
    let copies = 0;
    for (let seed = 1; seed <= 40; seed++) {
      const jobs: JobSpec[] = [
        {
          jobId: 1,
          finalStageId: 2,
          partitions: [0, 1, 2, 3, 4],
          stages: [
            { stageId: 1, numPartitions: 6, parents: [], shuffleId: 1 },
            { stageId: 2, numPartitions: 5, parents: [1] },
          ],
        },
      ];
      const r = runSimulation({
        seed,
        jobs,
        workers: [{ id: 'w0', slots: 2 }, { id: 'w1', slots: 1 }, { id: 'w2', slots: 2 }],
        maxLosses: 2,
        failuresPerPartition: 1,
        failProbability: 0.1,
        config: { speculation: { multiplier: 1.5, quantile: 0.5, minMs: 5 } },
        clock: true,
      });
      assert.equal(r.outcomes.get(1), 'ok', `seed ${seed}: ${JSON.stringify(r.outcomes.get(1))}`);
      assert.deepEqual([...r.accepted.get(1)!].sort(([a], [b]) => a - b), [0, 1, 2, 3, 4].map((p) => [p, 1]), `seed ${seed}`);
      copies += r.log.flatMap((l) => l.commands).filter((c) => c.type === 'LaunchTask' && c.task.speculative).length;
    }
    assert.ok(copies > 0, 'copies did run');
  });
});
