/**
 * The code each worker thread runs: load the preload modules (sources and sinks
 * of the io layer, user plugins), then run tasks one at a time as they arrive.
 * The thread owns its worker's block store and budget; blocks of other workers
 * (and the driver's) come attached to each task as shared buffers or file paths.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { BlockSource } from '../exec/block-store.js';
import { LocalBlockStore, regionOf } from '../exec/local-block-store.js';
import { MemoryBudget } from '../exec/memory-budget.js';
import { runTask } from '../exec/run-task.js';
import type { BlockFetcher } from '../exec/worker-services.js';
import { heldFetcher } from '../exec/exchange/fetch-failures.js';
import { ReceivedPipelines, type ForgetMessage, type RunMessage } from './stage-pipelines.js';
import { recordLastWords } from './last-words.js';
import type { FreeMessage, NewBlock, ThreadData, WorkerMessage } from './threads-backend.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');

const { preload, lastWords, worker, memory, adopt } = workerData as ThreadData;
recordLastWords(lastWords);

/** Blocks stored since the last task ended, reported with its result. */
let stored = new Map<string, NewBlock>();
const store = new LocalBlockStore(worker, MemoryBudget.create(memory), {
  recycle: true,
  hooks: { put: (blockId, source, bytes) => void stored.set(blockId, { blockId, source, bytes }), free: (blockId) => void stored.delete(blockId) },
});
// Blocks a dead thread of this worker left (they survive it in shared memory and files) are this thread's now.
for (const b of adopt) store.adopt(b.blockId, b.source, b.bytes, true);
stored.clear();

for (const m of preload) await import(m);

const pipelines = new ReceivedPipelines();

/** This thread's own blocks from its store; others' from what the task came with. */
function fetcher(attached: Record<string, BlockSource>): BlockFetcher {
  return heldFetcher((r) => {
    if (store.has(r.blockId)) return store.read(r.blockId, r.start, r.end);
    const source = attached[r.blockId];
    return source && regionOf(source, r.start, r.end);
  });
}

port.on('message', async (msg: RunMessage | ForgetMessage | FreeMessage) => {
  if (msg.type === 'forget') return pipelines.forget(msg);
  if (msg.type === 'free') return store.free(msg.blockIds);
  const outcome = await runTask(pipelines.payload(msg), { worker, store, fetcher: fetcher(msg.blocks ?? {}) });
  const blocks = [...stored.values()];
  stored = new Map();
  const reply: WorkerMessage = { type: 'done', taskId: msg.payload.taskId, outcome, blocks };
  const rec = outcome.ok ? outcome.result.records : undefined;
  // Move collected records without copying when they own their whole buffer.
  const movable = rec && !(rec.buffer instanceof SharedArrayBuffer) && rec.byteOffset === 0 && rec.byteLength === rec.buffer.byteLength;
  port.postMessage(reply, movable ? [rec.buffer as ArrayBuffer] : []);
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
