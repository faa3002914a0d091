/**
 * One slot of a cluster worker: a thread that runs the tasks it is handed, one at a time.
 * Tasks are synchronous loops, so a task is stopped by ending its thread; the worker
 * process (which holds the connection to the driver and the table of its blocks) survives
 * that and starts a new thread in its place, which adopts the blocks the dead one stored.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { LocalBlockStore } from '../../exec/local-block-store.js';
import { MemoryBudget } from '../../exec/memory-budget.js';
import type { BlockFetcher } from '../../exec/worker-services.js';
import { heldFetcher } from '../../exec/exchange/fetch-failures.js';
import { unflattenWire, type FlatWire } from '../../plan/stages.js';
import { describeThrown } from '../../util/errors.js';
import { taskFailure, type NewBlock, type TaskInputs, type TaskThreadData, type ThreadToWorker, type WorkerToThread } from './thread-messages.js';
import { localOf } from './worker-blocks.js';

const port = parentPort;
if (!port) throw new Error('task-thread must run in a worker thread');

const { runner, preload, dir, worker, memory, adopt } = workerData as TaskThreadData;

/** Blocks stored since the last task ended, reported with its end. */
let stored = new Map<string, NewBlock>();
const store = new LocalBlockStore(worker, MemoryBudget.create(memory), {
  hooks: { put: (blockId, source, bytes) => void stored.set(blockId, { blockId, source, bytes }), free: (blockId) => void stored.delete(blockId) },
});
for (const b of adopt) store.adopt(b.blockId, b.source, b.bytes, true);
stored.clear();

for (const m of preload) await import(m);
const { runTask } = (await import(runner)) as { runTask: (payload: unknown, services: unknown) => Promise<{ ok: boolean; result?: { records?: Uint8Array } }> };

/** This thread's own blocks from its store; everything else from what the worker made local for the task. */
function fetcher(inputs: TaskInputs): BlockFetcher {
  return heldFetcher((r) => (r.worker === worker && store.has(r.blockId) ? store.read(r.blockId, r.start, r.end) : localOf(inputs, r)));
}

port.on('message', async (msg: WorkerToThread) => {
  if (msg.t === 'free') return store.free(msg.blockIds);
  const flat = msg.payload as { node: FlatWire };
  let outcome: unknown;
  try {
    // Spill and block files go under this worker's own directory, whatever path the driver uses.
    const payload = { ...flat, node: unflattenWire(flat.node), spillDir: dir };
    outcome = await runTask(payload, { worker, store, fetcher: fetcher(msg.inputs ?? { attached: {}, fetched: {}, failed: {} }) });
  } catch (e) {
    outcome = { ok: false, error: taskFailure(msg.payload, `the task runner threw: ${describeThrown(e).message}`) };
  }
  const blocks = [...stored.values()];
  stored = new Map();
  const rec = (outcome as { result?: { records?: Uint8Array } }).result?.records;
  const movable = rec && rec.byteOffset === 0 && rec.byteLength === rec.buffer.byteLength && !(rec.buffer instanceof SharedArrayBuffer);
  port.postMessage({ t: 'done', taskId: msg.taskId, outcome, blocks } satisfies ThreadToWorker, movable ? [rec.buffer as ArrayBuffer] : []);
});
port.postMessage({ t: 'ready' } satisfies ThreadToWorker);
