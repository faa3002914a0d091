import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parentPort } from 'node:worker_threads';

/**
 * A stand-in for the engine's runTask, for driving the cluster backends with fake payloads:
 * `payload.fake` says what the task does (answer, sleep, spin, fail, end its thread, kill its process,
 * write a file where it spills, report a stale task's end).
 */
export interface FakeTask {
  value?: unknown;
  sleepMs?: number;
  spinMs?: number;
  fail?: string;
  exitThread?: boolean;
  killProcess?: boolean;
  /** Writes a file of this name into the task's spill directory first. */
  writeFile?: string;
  /** Posts the end of task `taskId` (not this one, so as if it was killed meanwhile) with that file as a stored block. */
  staleDone?: number;
}

export async function runTask(payload: { taskId: number; partition: number; spillDir: string; fake?: FakeTask }): Promise<unknown> {
  const f = payload.fake ?? {};
  const file = f.writeFile ? join(payload.spillDir, f.writeFile) : '';
  if (file) writeFileSync(file, 'partial output');
  if (f.staleDone !== undefined) {
    const blocks = [{ blockId: `stale-${f.staleDone}`, source: { kind: 'file', path: file }, bytes: 14 }];
    parentPort!.postMessage({ t: 'done', taskId: f.staleDone, outcome: { ok: false }, blocks });
  }
  if (f.sleepMs) await new Promise((r) => setTimeout(r, f.sleepMs));
  if (f.spinMs) for (const end = Date.now() + f.spinMs; Date.now() < end; );
  if (f.exitThread) process.exit(7);
  if (f.killProcess) process.kill(process.pid, 'SIGKILL');
  if (f.fail) return { ok: false, error: { operator: 'fake', stageId: 0, partition: payload.partition, attempt: 0, errorName: 'Error', message: f.fail, stack: f.fail } };
  return { ok: true, result: { value: f.value ?? { pid: process.pid, partition: payload.partition }, cacheBlocks: [], accumulators: [], metrics: {} } };
}
