/**
 * Worker threads that die at any moment on local[2]: between tasks (a timer
 * that throws, an unhandled rejection after the task returned), while a task is
 * being handed to them, and inside a user function (blamed on its operator).
 * Every job after the death finishes with the right answer (guarded by a
 * timeout, so a hang fails instead of hanging the suite).
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { importModule, Session, TaskFailedError, type SluiceEvent } from '../../src/index.js';
import type { BackendEvent } from '../../src/backend/backend.js';
import { ThreadsBackend } from '../../src/backend/threads-backend.js';
import type { TaskPayload } from '../../src/exec/task.js';
import { DRIVER } from '../../src/exec/block-ref.js';
import { LocalBlockStore } from '../../src/exec/local-block-store.js';
import { MemoryBudget } from '../../src/exec/memory-budget.js';
import { within } from './within.js';

const THIS_FILE = fileURLToPath(import.meta.url);
const tmp = mkdtempSync(join(tmpdir(), 'sluice-death-'));
let n = 0;
const marker = (): string => join(tmp, `marker-${n++}`);
const NUMS = Array.from({ length: 40 }, (_, i) => i);
const fs = () => importModule('node:fs') as unknown as typeof import('node:fs');

/** Waits until `file` exists (written by a worker just before it dies), then a little for the death to land. */
async function waitFor(file: string): Promise<void> {
  for (let i = 0; i < 400 && !existsSync(file); i++) await new Promise((r) => setTimeout(r, 25));
  assert.ok(existsSync(file), `${file} was never written`);
  await new Promise((r) => setTimeout(r, 200));
}

type TaskEnd = Extract<SluiceEvent, { type: 'taskEnd' }>;

describe('local[2]: a worker thread that dies', () => {
  let s: Session;
  const events: SluiceEvent[] = [];
  before(async () => {
    s = await Session.local({ master: 'local[2]' });
    s.on((e) => void events.push(e));
  });
  after(async () => {
    await s.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  /** The next jobs finish with the right answers, and the dead thread is replaced: both workers run tasks again. */
  async function sessionStillWorks(what: string): Promise<void> {
    const workers = new Set<string>();
    // A replacement thread may take seconds to start on a loaded machine: jobs run meanwhile on the other one.
    for (let round = 0; round < 200 && workers.size < 2; round++) {
      const from = events.length;
      assert.equal(await within(30_000, s.range(0, 1000, 1, 8).map((x) => x * 2).count(), `a job after ${what}`), 1000);
      const sums = await within(30_000, s.parallelize(NUMS, 4).map((x) => [x % 2, x] as [number, number]).reduceByKey((a, b) => a + b).collect(), `a shuffle after ${what}`);
      assert.deepEqual(sums.sort((a, b) => a[0] - b[0]), [[0, 380], [1, 400]]);
      for (const e of events.slice(from)) if (e.type === 'taskEnd' && e.ok) workers.add(e.worker);
      if (workers.size < 2) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(workers.size, 2, `both workers run tasks again after ${what}`);
  }

  test('between tasks: a timer that throws after the task returned', async () => {
    const m = marker();
    const r = await within(
      30_000,
      s.parallelize(NUMS, 4).map(
        (x, env) => {
          if (x === 0 && !env.fs.existsSync(env.m)) {
            setTimeout(() => {
              env.fs.writeFileSync(env.m, '1');
              throw new Error('a late timer error');
            }, 50);
          }
          return x + 1;
        },
        { fs: fs(), m },
      ).collect(),
      'the job that leaves a throwing timer',
    );
    assert.deepEqual(r, NUMS.map((x) => x + 1));
    await waitFor(m);
    await sessionStillWorks('a timer error between tasks');
  });

  test('between tasks: an unhandled rejection after the task returned', async () => {
    const m = marker();
    const r = await within(
      30_000,
      s.parallelize(NUMS, 4).map(
        (x, env) => {
          if (x === 11 && !env.fs.existsSync(env.m)) {
            setTimeout(() => {
              env.fs.writeFileSync(env.m, '1');
              void Promise.reject(new Error('a late rejection'));
            }, 50);
          }
          return x;
        },
        { fs: fs(), m },
      ).count(),
      'the job that leaves a rejection',
    );
    assert.equal(r, 40);
    await waitFor(m);
    await sessionStillWorks('an unhandled rejection between tasks');
  });

  test('while a task is being handed to it: the task fails, runs again elsewhere, the job succeeds', async () => {
    const m = marker();
    const from = events.length;
    // The thread of partition 0 dies the moment its next message (a task) arrives.
    const r = await within(
      30_000,
      s.range(0, 80, 1, 8).map(
        (x, env) => {
          if (x === 0 && !env.fs.existsSync(env.m)) {
            env.fs.writeFileSync(env.m, '1');
            env.wt.parentPort!.once('message', () => process.exit(4));
          }
          return x * 3;
        },
        { fs: fs(), m, wt: importModule('node:worker_threads') as unknown as typeof import('node:worker_threads') },
      ).collect(),
      'a job whose worker dies at a launch',
    );
    assert.deepEqual(r, Array.from({ length: 80 }, (_, i) => i * 3));
    const failed = events.slice(from).filter((e): e is TaskEnd => e.type === 'taskEnd' && !e.ok);
    // When the death came with the job's last task, it hits the next job's first launch instead.
    if (failed.length === 0) await sessionStillWorks('a death at the next launch');
    else {
      assert.equal(failed.length, 1);
      assert.match(failed[0]!.error?.message ?? '', /exited with code 4/);
    }
    await sessionStillWorks('a death while a task was launched');
  });

  test('inside mapPartitionsWithIndex: the failure blames mapPartitionsWithIndex, not the stage\'s last map', async () => {
    const solo = await Session.local({ master: 'local[2]', maxTaskFailures: 2 });
    try {
      const err = await within(
        30_000,
        solo
          .parallelize(NUMS, 4)
          .mapPartitionsWithIndex((i, it) => {
            if (i === 2) process.exit(9);
            return it;
          })
          .map((x) => x + 1)
          .collect()
          .then(() => undefined, (e: unknown) => e),
        'a job whose mapPartitionsWithIndex exits',
      );
      assert.ok(err instanceof TaskFailedError, String(err));
      assert.equal(err.info.operator, 'mapPartitionsWithIndex');
      assert.equal(err.info.partition, 2);
      assert.match(err.message, /exited with code 9/);
      assert.equal(err.info.site?.file, THIS_FILE);
      assert.ok(err.info.stack.includes(THIS_FILE), err.info.stack);
      assert.equal(await within(30_000, solo.range(0, 100, 1, 4).count(), 'a job after'), 100);
    } finally {
      await solo.stop();
    }
  });

});

test('ThreadsBackend: a payload that cannot be posted fails its task (fatal) and frees the slot', async () => {
  const backend = new ThreadsBackend({ workers: 1, memoryPerWorker: 1 << 20, preload: [] });
  const events: BackendEvent[] = [];
  await backend.start((e) => void events.push(e), new LocalBlockStore(DRIVER, MemoryBudget.create(1 << 20)));
  try {
    const payload = (taskId: number) => ({ taskId, stageId: 0, partition: 0, attempt: 0, node: { id: 0, op: 'map', numPartitions: 1, compute: { kind: 'identity' }, deps: [] }, notCloneable: () => taskId }) as unknown as TaskPayload;
    backend.launch('worker-1', payload(1));
    // Not busy: the failed post released the slot.
    backend.launch('worker-1', payload(2));
    for (let i = 0; i < 100 && events.filter((e) => e.type === 'TaskFailed').length < 2; i++) await new Promise((r) => setTimeout(r, 10));
    const failed = events.filter((e): e is Extract<BackendEvent, { type: 'TaskFailed' }> => e.type === 'TaskFailed');
    assert.deepEqual(failed.map((e) => e.taskId), [1, 2]);
    for (const f of failed) {
      assert.equal(f.error.fatal, true);
      assert.equal(f.error.operator, 'map');
      assert.match(f.error.message, /could not send the task to worker-1: .*could not be cloned/);
    }
  } finally {
    await backend.stop();
  }
});
