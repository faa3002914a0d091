import { SluiceError } from '../util/errors.js';
import type { WorkerSettings } from './worker.js';

type RunWorker = (opts: WorkerSettings) => Promise<void>;

/** The cluster backend's worker loop; a clear error where this build has none. */
async function loadRunWorker(): Promise<RunWorker> {
  // Through a variable: the cluster backend is built on another branch; this stays compilable without it.
  const path = '../backend/cluster/worker-process.js';
  try {
    const mod = (await import(path)) as { runWorker?: RunWorker };
    if (typeof mod.runWorker === 'function') return mod.runWorker;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ERR_MODULE_NOT_FOUND') throw e;
  }
  throw new SluiceError('cluster backend missing: this build of sluice has no src/backend/cluster/worker-process (runWorker)');
}

/** Connection errors worth retrying while the driver starts (it may start after its workers). */
const NOT_YET = /ECONNREFUSED|EHOSTUNREACH|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|ECONNRESET/;

/**
 * Runs a worker until its driver says stop or goes away. A refused connection is retried every
 * second for `connectTimeoutMs` (workers of a Slurm job start beside their driver, not after it);
 * once the worker has been connected, it is not retried: a driver that left is the end of the job.
 */
export async function runWorkerWithRetry(settings: WorkerSettings, connectTimeoutMs: number, log: (line: string) => void = (l) => process.stderr.write(`${l}\n`)): Promise<void> {
  const runWorker = await loadRunWorker();
  const until = Date.now() + connectTimeoutMs;
  let announced = false;
  for (;;) {
    const t0 = Date.now();
    try {
      await runWorker(settings);
      return;
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code ?? '';
      const retry = NOT_YET.test(`${code} ${(e as Error).message}`) && Date.now() - t0 < 5000 && Date.now() < until;
      if (!retry) throw e;
      if (!announced) log(`sluice worker: driver ${settings.driver} not reachable yet (${code || (e as Error).message}); retrying for up to ${Math.round(connectTimeoutMs / 1000)} s`);
      announced = true;
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}
