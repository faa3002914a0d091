/**
 * The contract every Backend keeps, checked by driving it directly with hand-built payloads
 * (no driver, no scheduler): workers join; tasks run and report results with what their
 * worker holds; shuffle blocks written by one task are read by the next through the fetcher;
 * a freed block is gone (its reader gets a fetch failure); the driver's own blocks are served;
 * a killed or crashed task ends exactly once and its worker comes back; stop() ends everything.
 *
 * ```ts
 * backendContract('processes[2]', () => new ProcessesBackend({ workers: 2, ... }), { crash: true });
 * ```
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Backend, BackendEvent } from '../../src/backend/backend.js';
import { blockRegion, DRIVER, regionAt, type BlockRef } from '../../src/exec/block-ref.js';
import { BlockWriter, toStored } from '../../src/exec/block-store.js';
import { LocalBlockStore } from '../../src/exec/local-block-store.js';
import { MemoryBudget } from '../../src/exec/memory-budget.js';
import { sliceKey, type TaskOutput, type TaskPayload, type TaskResult } from '../../src/exec/task.js';
import type { ComputeSpec } from '../../src/plan/node.js';
import type { WireNode } from '../../src/plan/stages.js';
import { encodeBatch } from '../../src/serde/record-codec.js';
import { shipFunction } from '../../src/serde/ship-function.js';

export interface ContractOptions {
  /** Whether a task may end its worker (process.exit) without taking the test process along. */
  crash: boolean;
  /** How long the task to be killed runs if nothing stops it (keep it short where kill cannot interrupt). */
  slowMs: number;
  /** When to kill it after launching (0: at once, where a running task blocks the test's thread). */
  killAfterMs: number;
  /** How long to wait for an expected event. */
  timeoutMs?: number;
}

type Joined = Extract<BackendEvent, { type: 'WorkerJoined' }>;

/** Drives a fresh backend from `make()` through the contract, as one describe block named `name`. */
export function backendContract(name: string, make: () => Backend, opts: ContractOptions): void {
  describe(`backend contract: ${name}`, () => {
    const events: BackendEvent[] = [];
    const spillDir = mkdtempSync(join(tmpdir(), 'sluice-contract-'));
    const driverStore = new LocalBlockStore(DRIVER, MemoryBudget.create(1 << 30));
    const timeout = opts.timeoutMs ?? 30_000;
    let backend: Backend;
    let workers: Joined[] = [];
    let nextTask = 1;
    let nextNode = 1;

    before(async () => {
      backend = make();
      await backend.start((e) => void events.push(e), driverStore);
      workers = await until(() => {
        const joined = events.filter((e): e is Joined => e.type === 'WorkerJoined');
        return joined.length > 0 ? joined : undefined;
      }, 'a worker to join');
    });
    after(async () => {
      await backend?.stop();
      driverStore.clear();
      rmSync(spillDir, { recursive: true, force: true });
    });

    /** Polls `get` until it returns something, failing after the timeout. */
    async function until<T>(get: () => T | undefined, what: string): Promise<T> {
      const deadline = Date.now() + timeout;
      for (;;) {
        const v = get();
        if (v !== undefined) return v;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; events: ${JSON.stringify(events.map((e) => e.type))}`);
        await new Promise((r) => setTimeout(r, 5));
      }
    }

    const node = (compute: ComputeSpec, numPartitions: number, deps: WireNode['deps'] = []): WireNode => ({ id: nextNode++, op: compute.kind, numPartitions, compute, deps });
    const map = (parent: WireNode, fn: Function, env?: Record<string, unknown>): WireNode =>
      node({ kind: 'map', fn: shipFunction(fn, env, 'map') }, parent.numPartitions, [{ type: 'narrow', node: parent }]);

    function payload(worker: string, n: WireNode, output: TaskOutput, extra: Partial<TaskPayload> = {}): TaskPayload {
      void worker;
      return { taskId: nextTask++, jobId: 0, stageId: 0, partition: 0, attempt: 0, node: n, output, shuffleInputs: {}, cachedBlocks: {}, broadcasts: {}, spillDir, ...extra };
    }

    /** Launches and waits for the task's end: its TaskFinished, TaskFailed, or the WorkerLost that took it. */
    async function run(worker: string, p: TaskPayload): Promise<BackendEvent> {
      const from = events.length;
      backend.launch(worker, p);
      return until(() => events.slice(from).find((e) => ended(e, p.taskId)), `task ${p.taskId} to end`);
    }
    const ended = (e: BackendEvent, taskId: number): boolean =>
      ((e.type === 'TaskFinished' || e.type === 'TaskFailed') && e.taskId === taskId) || (e.type === 'WorkerLost' && e.taskErrors?.[taskId] !== undefined);
    const finished = (e: BackendEvent): TaskResult => {
      assert.equal(e.type, 'TaskFinished', JSON.stringify(e));
      return (e as Extract<BackendEvent, { type: 'TaskFinished' }>).result;
    };
    const count: TaskOutput = { kind: 'result', action: { kind: 'count' } };

    test('every worker joins once with its slots and memory', () => {
      const ids = workers.map((w) => w.worker);
      assert.equal(new Set(ids).size, ids.length);
      for (const w of workers) {
        assert.ok(w.slots >= 1 && w.memory > 0, JSON.stringify(w));
        assert.ok(!('budget' in w), 'no memory handle in the event');
      }
    });

    test('a task runs and reports its result with the bytes its worker holds', async () => {
      const w = workers[0]!.worker;
      const result = finished(await run(w, payload(w, node({ kind: 'range', start: 0, end: 1000, step: 1 }, 1), count)));
      assert.equal(result.value, 1000);
      assert.ok(result.held.memory >= 0 && result.held.disk >= 0);
    });

    test("a shuffle block is owned by its writer's worker, read by a reduce task on every worker, and gone once freed", async () => {
      const writer = workers[0]!.worker;
      const pairs = map(node({ kind: 'range', start: 0, end: 300, step: 1 }, 1), (x: number) => [x % 3, x]);
      const shuffle = { shuffleId: 41, partitioner: { kind: 'hash' as const, numPartitions: 3 } };
      const written = finished(await run(writer, payload(writer, pairs, { kind: 'shuffleWrite', shuffle })));
      const ref = written.mapOutput!;
      assert.equal(ref.worker, writer);
      assert.equal(typeof ref.blockId, 'string');
      assert.ok(written.held.memory + written.held.disk >= ref.bytes, JSON.stringify(written.held));
      const reduce = node({ kind: 'shuffleRead' }, 3, [{ type: 'shuffle', shuffleId: 41, numMaps: 1 }]);
      const inputs = (p: number): TaskPayload['shuffleInputs'] => ({ [sliceKey(41, p)]: { pieces: [{ ...regionAt(ref, ref.parts.indexOf(p)), map: 0 }] } });
      for (const w of workers) {
        let total = 0;
        for (const p of ref.parts) total += finished(await run(w.worker, payload(w.worker, reduce, count, { partition: p, shuffleInputs: inputs(p) }))).value as number;
        assert.equal(total, 300, `read on ${w.worker}`);
      }
      backend.free(writer, [ref.blockId]);
      const reader = workers[workers.length - 1]!.worker;
      const p = ref.parts[0]!;
      const failed = await run(reader, payload(reader, reduce, count, { partition: p, shuffleInputs: inputs(p) }));
      assert.equal(failed.type, 'TaskFailed', JSON.stringify(failed));
      assert.deepEqual((failed as Extract<BackendEvent, { type: 'TaskFailed' }>).fetchFailed?.mapPartition, 0);
      assert.equal((failed as Extract<BackendEvent, { type: 'TaskFailed' }>).fetchFailed?.shuffleId, 41);
    });

    test("the driver's own blocks (a parallelize slice) are served to every worker", async () => {
      const w = new BlockWriter({ numPartitions: 1, budget: driverStore.budget, spillDir });
      w.add(0, encodeBatch(Array.from({ length: 77 }, (_, i) => i)));
      const ref: BlockRef = driverStore.put(toStored(w.finish()));
      const source = node({ kind: 'parallelize', slices: [blockRegion(ref, 0)!] }, 1);
      for (const x of workers) assert.equal(finished(await run(x.worker, payload(x.worker, source, count))).value, 77);
    });

    test('a killed task ends exactly once, and its worker runs the next task', async () => {
      const w = workers[0]!.worker;
      const slow = map(
        node({ kind: 'range', start: 0, end: 1, step: 1 }, 1),
        (x: number, env: { ms: number }) => {
          const end = Date.now() + env.ms;
          while (Date.now() < end);
          return x;
        },
        { ms: opts.slowMs },
      );
      const p = payload(w, slow, count);
      const from = events.length;
      backend.launch(w, p);
      if (opts.killAfterMs > 0) await new Promise((r) => setTimeout(r, opts.killAfterMs));
      backend.kill(w, p.taskId);
      await until(() => events.slice(from).find((e) => ended(e, p.taskId)), 'the killed task to end');
      await new Promise((r) => setTimeout(r, Math.min(opts.slowMs, 500) + 100));
      assert.equal(events.slice(from).filter((e) => ended(e, p.taskId)).length, 1, 'ends once');
      const end = events.slice(from).find((e) => ended(e, p.taskId))!;
      assert.ok(end.type !== 'TaskFinished', 'a killed task does not finish');
      if (end.type === 'WorkerLost') await until(() => events.slice(from).find((e) => e.type === 'WorkerJoined' && e.worker === w), `${w} to join again`);
      assert.equal(finished(await run(w, payload(w, node({ kind: 'range', start: 0, end: 10, step: 1 }, 1), count))).value, 10);
    });

    if (opts.crash) {
      test('a task that ends its worker is reported with the worker lost, and the worker comes back', async () => {
        const w = workers[0]!.worker;
        const crash = map(node({ kind: 'range', start: 0, end: 5, step: 1 }, 1), (x: number) => {
          if (x === 3) process.exit(7);
          return x;
        });
        const from = events.length;
        const end = await run(w, payload(w, crash, count));
        assert.equal(end.type, 'WorkerLost', JSON.stringify(end));
        assert.equal(typeof (end as Extract<BackendEvent, { type: 'WorkerLost' }>).outputsLost, 'boolean');
        await until(() => events.slice(from).find((e) => e.type === 'WorkerJoined' && e.worker === w), `${w} to join again`);
        assert.equal(finished(await run(w, payload(w, node({ kind: 'range', start: 0, end: 10, step: 1 }, 1), count))).value, 10);
      });
    }

    test('stop() ends every worker and nothing is reported afterwards', async () => {
      await backend.stop();
      const n = events.length;
      await new Promise((r) => setTimeout(r, 100));
      assert.equal(events.length, n);
    });
  });
}
