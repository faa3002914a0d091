import { runWorker } from '../backend/cluster/worker-process.js';
import type { WorkerSettings } from './worker.js';

/**
 * Runs a worker until its driver says stop or goes away. The worker keeps dialing a driver that is
 * not listening yet for `connectTimeoutMs` (workers of a Slurm job start beside their driver, not
 * after it); once it has joined, a driver that left is the end of the worker.
 */
export async function runWorkerCommand(settings: WorkerSettings, connectTimeoutMs: number): Promise<void> {
  await runWorker({ ...settings, connectTimeoutMs });
}
