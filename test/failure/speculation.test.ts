/**
 * Speculative execution end to end: one partition's map task is slow on its first attempt
 * only (it blocks for minutes); with speculation on, a copy of it runs on the other worker,
 * wins, and the original is killed. The answer is checked against a plain reference, and the
 * event log shows the speculative copy's start and success and the original's failure.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { importModule, type SluiceEvent } from '../../src/index.js';
import { sessionWithEvents } from './session-with-events.js';
import { within } from './within.js';

const fs = () => importModule('node:fs') as unknown as typeof import('node:fs');
type TaskEvent = Extract<SluiceEvent, { type: 'taskStart' | 'taskEnd' }>;

for (const master of ['local[2]', 'processes[2]']) {
  describe(`${master}: speculative execution`, () => {
    const { session, events, tmp } = sessionWithEvents({ master, speculation: { minMs: 50 } });

    test('a task slow on its first attempt only gets a copy that wins; the original is killed; the answer is right', async () => {
      const s = session();
      const nums = Array.from({ length: 400 }, (_, i) => i);
      const from = events.length;
      const sums = await within(
        120_000,
        s
          .parallelize(nums, 8)
          .map(
            (x, env) => {
              // The first attempt of the task holding 150 (partition 3) blocks for minutes.
              if (x === 150) {
                let first = true;
                try {
                  env.fs.closeSync(env.fs.openSync(env.marker, 'wx'));
                } catch {
                  first = false;
                }
                if (first) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 300_000);
              }
              return [x % 7, x] as [number, number];
            },
            { fs: fs(), marker: join(tmp, 'first-attempt') },
          )
          .reduceByKey((a, b) => a + b)
          .collect(),
        'the job with a straggler',
      );
      const want = new Map<number, number>();
      for (const x of nums) want.set(x % 7, (want.get(x % 7) ?? 0) + x);
      assert.deepEqual(sums.sort((a, b) => a[0] - b[0]), [...want].sort((a, b) => a[0] - b[0]));
      const tasks = events.slice(from).filter((e): e is TaskEvent => e.type === 'taskStart' || e.type === 'taskEnd');
      const p3 = tasks.filter((e) => e.partition === 3 && e.stageId === tasks.find((t) => t.partition === 3)!.stageId);
      const copy = p3.find((e) => e.type === 'taskStart' && e.speculative);
      assert.ok(copy, `a speculative copy of partition 3 ran: ${JSON.stringify(p3)}`);
      const copyEnd = p3.find((e) => e.type === 'taskEnd' && e.taskId === copy.taskId);
      assert.equal(copyEnd?.type === 'taskEnd' && copyEnd.ok, true, 'the copy succeeded');
      const original = p3.find((e) => e.type === 'taskStart' && !e.speculative && e.attempt === 0)!;
      const originalEnd = p3.find((e) => e.type === 'taskEnd' && e.taskId === original.taskId);
      assert.equal(originalEnd?.type === 'taskEnd' && originalEnd.ok, false, 'the original was killed');
      assert.notEqual(copy.worker, original.worker, 'the copy ran on the other worker');
      // The session stays usable (the killed worker is replaced).
      assert.equal(await within(60_000, s.range(0, 1000, 1, 4).count(), 'a job after'), 1000);
    });
  });
}
