/**
 * Stages of many tasks: the queue of waiting partitions against a sorted-array reference, and the
 * scheduler's work for a stage of P tasks guarded by counting the array elements it moves.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { SchedulerCommand } from '../../src/scheduler/events.js';
import { PartitionQueue } from '../../src/scheduler/partition-queue.js';
import { Scheduler } from '../../src/scheduler/scheduler.js';

test('PartitionQueue behaves as an ascending array without repeats taken from the front', () => {
  const op = fc.oneof(
    fc.record({ kind: fc.constant('insert' as const), p: fc.nat(60) }),
    fc.record({ kind: fc.constant('remove' as const), p: fc.nat(60) }),
    fc.record({ kind: fc.constant('take' as const), n: fc.nat(1500) }),
    fc.record({ kind: fc.constant('clear' as const) }),
  );
  fc.assert(
    fc.property(fc.uniqueArray(fc.nat(3000), { maxLength: 3000 }), fc.array(op, { maxLength: 60 }), (start, ops) => {
      const ref = [...start].sort((a, b) => a - b);
      const q = new PartitionQueue([...ref]);
      for (const o of ops) {
        if (o.kind === 'insert') {
          q.insert(o.p);
          if (!ref.includes(o.p)) ref.splice(ref.findIndex((x) => x > o.p) === -1 ? ref.length : ref.findIndex((x) => x > o.p), 0, o.p);
        } else if (o.kind === 'remove') {
          q.remove(o.p);
          if (ref.includes(o.p)) ref.splice(ref.indexOf(o.p), 1);
        } else if (o.kind === 'take') {
          for (let i = 0; i < o.n && q.size > 0; i++) {
            assert.equal(q.first(), ref.shift());
            q.takeFirst();
          }
        } else {
          q.clear();
          ref.length = 0;
        }
        assert.equal(q.size, ref.length);
        assert.equal(q.first(), ref[0]);
      }
    }),
  );
});

/** Array elements that shift, splice and slice move or copy while `run` runs (a cost proxy independent of timing). */
function elementsMoved(run: () => void): number {
  const proto = Array.prototype as unknown as Record<'shift' | 'splice' | 'slice', (...a: unknown[]) => unknown>;
  const originals = { shift: proto.shift, splice: proto.splice, slice: proto.slice };
  let moved = 0;
  proto.shift = function (this: unknown[], ...a: unknown[]) {
    moved += this.length;
    return originals.shift.apply(this, a);
  };
  proto.splice = function (this: unknown[], ...a: unknown[]) {
    moved += Math.max(0, this.length - Number(a[0] ?? 0));
    return originals.splice.apply(this, a);
  };
  proto.slice = function (this: unknown[], ...a: unknown[]) {
    const out = originals.slice.apply(this, a) as unknown[];
    moved += out.length;
    return out;
  };
  try {
    run();
  } finally {
    Object.assign(proto, originals);
  }
  return moved;
}

/** Runs a map stage and a result stage of `p` partitions each on 2 one-slot workers, finishing tasks as launched. */
function runJob(p: number): void {
  const s = new Scheduler();
  const pending: number[] = [];
  const take = (cmds: SchedulerCommand[]): void => {
    for (const c of cmds) if (c.type === 'LaunchTask') pending.push(c.task.taskId);
  };
  take(s.handle({ type: 'WorkerJoined', worker: 'w1', slots: 1 }));
  take(s.handle({ type: 'WorkerJoined', worker: 'w2', slots: 1 }));
  let succeeded = false;
  const stages = [
    { stageId: 0, numPartitions: p, parents: [], shuffleId: 0 },
    { stageId: 1, numPartitions: p, parents: [0] },
  ];
  take(s.handle({ type: 'JobSubmitted', job: { jobId: 0, finalStageId: 1, stages, partitions: [...Array(p).keys()] } }));
  let finished = 0;
  for (let i = 0; i < pending.length; i++) {
    const cmds = s.handle({ type: 'TaskFinished', taskId: pending[i]! });
    finished++;
    succeeded ||= cmds.some((c) => c.type === 'JobSucceeded');
    take(cmds);
  }
  assert.equal(finished, 2 * p);
  assert.ok(succeeded);
}

test('the scheduler moves array elements in proportion to the tasks of a stage, not their square', () => {
  const p = 20_000;
  // Warm up outside the count (the first calls compile code that may slice arrays of its own).
  runJob(100);
  const moved = elementsMoved(() => runJob(p));
  // Taking each task from the front of its queue with Array.shift moved p^2/2 = 2e8 elements per stage.
  assert.ok(moved < 20 * p, `${moved} array elements moved for 2 stages of ${p} tasks`);
});
