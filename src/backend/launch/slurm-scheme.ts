import { SluiceError } from '../../util/errors.js';
import { parseBytes } from '../../util/bytes.js';
import { registerBackend } from '../registry.js';
import { readSlurmAllocation } from './slurm-allocation.js';
import { SlurmBackend } from './slurm-backend.js';

/**
 * `master: 'slurm'`: inside a Slurm allocation, one worker per allocated node started with srun
 * (see SlurmBackend). The default parallelism is the allocation's task slots: nodes × the smallest
 * node's CPUs. A memory option (or SLUICE_MEMORY) sets each worker's budget.
 */
registerBackend('slurm', {
  usage: 'slurm (inside a Slurm allocation)',
  parse: (master) => {
    if (master.trim() !== 'slurm') throw new SluiceError(`unknown master "${master}": slurm takes no argument (the allocation says how many nodes and cores)`);
  },
  create: (_master, opts) => {
    const allocation = readSlurmAllocation();
    const backend = new SlurmBackend({ allocation, preload: opts.preload, ...(opts.memory !== undefined ? { memory: parseBytes(opts.memory) } : {}) });
    return { backend, parallelism: allocation.nodes.length * Math.min(...allocation.cpusPerNode) };
  },
});
