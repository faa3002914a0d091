/**
 * One slot of a cluster worker: a thread that runs the tasks it is handed, one at a time.
 * Tasks are synchronous loops, so a task is stopped by ending its thread; the worker
 * process (which holds the connection to the driver and the block store) survives that
 * and starts a new thread in its place.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { unflattenWire, type FlatWire } from '../../plan/stages.js';
import { describeThrown } from '../../util/errors.js';
import { taskFailure, type ThreadToWorker, type WorkerToThread } from './thread-messages.js';

const port = parentPort;
if (!port) throw new Error('task-thread must run in a worker thread');

const { runner, preload, dir, worker } = workerData as { runner: string; preload: string[]; dir: string; worker: string };
for (const m of preload) await import(m);
const { runTask } = (await import(runner)) as { runTask: (payload: unknown, services: unknown) => Promise<{ ok: boolean; result?: { records?: Uint8Array } }> };

const services = { worker };

port.on('message', async (msg: WorkerToThread) => {
  const flat = msg.payload as { node: FlatWire };
  let outcome: unknown;
  try {
    // Spill files go under this worker's own directory, whatever path the driver uses.
    const payload = { ...flat, node: unflattenWire(flat.node), spillDir: dir };
    outcome = await runTask(payload, services);
  } catch (e) {
    outcome = { ok: false, error: taskFailure(msg.payload, `the task runner threw: ${describeThrown(e).message}`) };
  }
  const rec = (outcome as { result?: { records?: Uint8Array } }).result?.records;
  const movable = rec && rec.byteOffset === 0 && rec.byteLength === rec.buffer.byteLength && !(rec.buffer instanceof SharedArrayBuffer);
  port.postMessage({ t: 'done', taskId: msg.taskId, outcome } satisfies ThreadToWorker, movable ? [rec.buffer as ArrayBuffer] : []);
});
port.postMessage({ t: 'ready' } satisfies ThreadToWorker);
