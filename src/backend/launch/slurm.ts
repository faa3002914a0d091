import { spawn, type ChildProcess } from 'node:child_process';
import { SluiceError } from '../../util/errors.js';
import type { SlurmAllocation } from './slurm-allocation.js';

/** The share of a node's allocated memory a worker takes as its block budget. */
const WORKER_MEMORY_SHARE = 0.7;

/** How `master: 'slurm'` starts its workers: one `srun` step, one `sluice worker` per allocated node. */
export interface SlurmLaunchPlan {
  command: 'srun';
  args: string[];
  /** The nodes a worker starts on. */
  nodes: string[];
  /** Task slots of each worker: the smallest CPU count of the allocation's nodes (one --cpus-per-task for the step). */
  cores: number;
  /** Each worker's memory budget in bytes, when the allocation has a memory size. */
  memory?: number;
}

export interface SlurmWorkersOptions {
  allocation: SlurmAllocation;
  /** The driver's address as workers dial it: `host:port`. */
  driver: string;
  /** A secret file every node can read (a shared directory), mode 0600. */
  secretFile: string;
  /** The node binary and the sluice CLI entry (dist/src/cli/main.js). */
  node: string;
  cli: string;
  /** Each worker's scratch directory (node-local); default `$TMPDIR/sluice-<job id>` on each node. */
  dir?: string;
  /** Each worker's memory budget in bytes; default 70% of the allocation's memory per node (else the worker's own default). */
  memory?: number;
}

/** The srun command line that starts one worker per node of the allocation, with its cores and memory. */
export function slurmWorkers(o: SlurmWorkersOptions): SlurmLaunchPlan {
  const a = o.allocation;
  const cores = Math.min(...a.cpusPerNode);
  if (!(cores >= 1)) throw new SluiceError(`master 'slurm': job ${a.jobId} has a node without CPUs`);
  const n = a.nodes.length;
  const memory = o.memory ?? (a.memPerNode !== undefined ? Math.floor(a.memPerNode * WORKER_MEMORY_SHARE) : undefined);
  const args = [
    `--jobid=${a.jobId}`,
    `--nodes=${n}`,
    `--ntasks=${n}`,
    '--ntasks-per-node=1',
    `--cpus-per-task=${cores}`,
    // A driver that itself runs in a step (srun node job.js) holds CPUs the workers' step must share.
    ...(a.inStep ? ['--overlap'] : []),
    '--kill-on-bad-exit=0',
    `--job-name=sluice-workers`,
    o.node,
    o.cli,
    'worker',
    '--driver',
    o.driver,
    '--secret-file',
    o.secretFile,
    '--cores',
    String(cores),
    ...(memory !== undefined ? ['--memory', String(memory)] : []),
    ...(o.dir !== undefined ? ['--dir', o.dir] : []),
  ];
  const plan: SlurmLaunchPlan = { command: 'srun', args, nodes: [...a.nodes], cores };
  if (memory !== undefined) plan.memory = memory;
  return plan;
}

/**
 * Starts the plan's srun step. Its output goes to this process's stderr (workers log there); the
 * returned stop() ends the step (srun forwards SIGTERM to every worker) and resolves when srun exits.
 */
export function startSlurmWorkers(plan: SlurmLaunchPlan, env: NodeJS.ProcessEnv = process.env): { child: ChildProcess; exited: Promise<number | null>; stop(): Promise<number | null> } {
  const child = spawn(plan.command, plan.args, { stdio: ['ignore', 'inherit', 'inherit'], env });
  const exited = new Promise<number | null>((resolve) => {
    child.on('error', () => resolve(null));
    child.on('exit', (code) => resolve(code));
  });
  const stop = async (): Promise<number | null> => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      // srun waits for its tasks; a second signal after a grace period makes it give up on them.
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      timer.unref();
      const code = await exited;
      clearTimeout(timer);
      return code;
    }
    return exited;
  };
  return { child, exited, stop };
}
