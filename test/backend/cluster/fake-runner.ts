/**
 * A stand-in for the engine's runTask, for driving the cluster backends with fake payloads:
 * `payload.fake` says what the task does (answer, sleep, spin, fail, end its thread, kill its process).
 */
export interface FakeTask {
  value?: unknown;
  sleepMs?: number;
  spinMs?: number;
  fail?: string;
  exitThread?: boolean;
  killProcess?: boolean;
}

export async function runTask(payload: { taskId: number; partition: number; fake?: FakeTask }): Promise<unknown> {
  const f = payload.fake ?? {};
  if (f.sleepMs) await new Promise((r) => setTimeout(r, f.sleepMs));
  if (f.spinMs) for (const end = Date.now() + f.spinMs; Date.now() < end; );
  if (f.exitThread) process.exit(7);
  if (f.killProcess) process.kill(process.pid, 'SIGKILL');
  if (f.fail) return { ok: false, error: { operator: 'fake', stageId: 0, partition: payload.partition, attempt: 0, errorName: 'Error', message: f.fail, stack: f.fail } };
  return { ok: true, result: { value: f.value ?? { pid: process.pid, partition: payload.partition }, cacheBlocks: [], accumulators: [], metrics: {} } };
}
