/**
 * The code each worker thread runs: load the preload modules (sources and sinks
 * of the io layer, user plugins), then run tasks one at a time as they arrive.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runTask } from '../exec/run-task.js';
import { ReceivedPipelines, type ForgetMessage, type RunMessage } from './stage-pipelines.js';
import { recordLastWords } from './last-words.js';
import type { WorkerMessage } from './threads-backend.js';

const port = parentPort;
if (!port) throw new Error('worker-entry must run in a worker thread');

const { preload, lastWords } = workerData as { preload: string[]; lastWords: SharedArrayBuffer };
recordLastWords(lastWords);
for (const m of preload) await import(m);

const pipelines = new ReceivedPipelines();

port.on('message', async (msg: RunMessage | ForgetMessage) => {
  if (msg.type === 'forget') return pipelines.forget(msg);
  const outcome = await runTask(pipelines.payload(msg));
  const reply: WorkerMessage = { type: 'done', taskId: msg.payload.taskId, outcome };
  const rec = outcome.ok ? outcome.result.records : undefined;
  // Move collected records without copying when they own their whole buffer.
  const movable = rec && !(rec.buffer instanceof SharedArrayBuffer) && rec.byteOffset === 0 && rec.byteLength === rec.buffer.byteLength;
  port.postMessage(reply, movable ? [rec.buffer as ArrayBuffer] : []);
});
port.postMessage({ type: 'ready' } satisfies WorkerMessage);
