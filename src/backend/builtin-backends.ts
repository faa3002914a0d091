import { availableParallelism } from 'node:os';
import { SluiceError } from '../util/errors.js';
import { InlineBackend } from './inline-backend.js';
import { memoryPerWorker, registerBackend } from './registry.js';
import { ThreadsBackend } from './threads-backend.js';
import { ProcessesBackend } from './cluster/processes-backend.js';
import './launch/slurm-scheme.js';
import './cluster/cluster-scheme.js';

/** `inline`: every task on the calling thread, one at a time. */
registerBackend('inline', {
  usage: 'inline',
  parse: (master) => {
    if (master.trim() !== 'inline') throw new SluiceError(`unknown master "${master}": inline takes no argument`);
  },
  create: (_master, opts) => ({ backend: new InlineBackend({ memoryPerWorker: memoryPerWorker(opts.memory, 1) }), parallelism: 1 }),
});

/** The thread count of `local`, `local[4]` or `local[*]` (all cores). */
export function localThreads(master: string): number {
  return workerCount('local', master, true);
}

/** `local[N]`: N worker threads of this process. */
registerBackend('local', {
  usage: 'local, local[N], local[*]',
  parse: (master) => void localThreads(master),
  create: (master, opts) => {
    const workers = localThreads(master);
    return { backend: new ThreadsBackend({ workers, memoryPerWorker: memoryPerWorker(opts.memory, workers), preload: opts.preload }), parallelism: workers };
  },
});

/** The thread count of `processes[N]` or `processes[*]` (all cores). */
function processCount(master: string): number {
  return workerCount('processes', master, false);
}

/** N of `scheme[N]` (`scheme[*]`: all cores; a bare `scheme` too when `bare`), at least 1. */
function workerCount(scheme: string, master: string, bare: boolean): number {
  const m = new RegExp(`^${scheme}(?:\\[(\\*|\\d+)\\])${bare ? '?' : ''}$`).exec(master.trim());
  if (!m) throw new SluiceError(`unknown master "${master}": use ${bare ? `${scheme}, ` : ''}${scheme}[N] or ${scheme}[*]`);
  const n = m[1] === undefined || m[1] === '*' ? availableParallelism() : Number(m[1]);
  if (n < 1) throw new SluiceError(`master ${master} needs at least one worker`);
  return n;
}

/** `processes[N]`: N worker processes on this machine (the cluster backend with workers it forks). */
registerBackend('processes', {
  usage: 'processes[N], processes[*]',
  parse: (master) => void processCount(master),
  create: (master, opts) => {
    const workers = processCount(master);
    return { backend: new ProcessesBackend({ workers, memoryPerWorker: memoryPerWorker(opts.memory, workers), preload: opts.preload }), parallelism: workers };
  },
});
