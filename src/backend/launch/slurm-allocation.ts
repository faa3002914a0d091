import { execFileSync } from 'node:child_process';
import { SluiceError } from '../../util/errors.js';

/** The Slurm allocation this process runs in (salloc, sbatch), read from Slurm's environment. */
export interface SlurmAllocation {
  jobId: string;
  /** Host names of the allocated nodes, in Slurm's order (the first runs the batch script). */
  nodes: string[];
  /** CPUs allocated on each node, aligned with `nodes`. */
  cpusPerNode: number[];
  /** Memory per node in bytes, when the allocation set one (`--mem`). */
  memPerNode?: number;
  /** Set when this process runs inside a job step (srun): a second step must then share its CPUs. */
  inStep: boolean;
}

/** Expands a Slurm host list (`node[01-04],gpu7`); by default with `scontrol show hostnames`. */
export type HostlistExpander = (hostlist: string) => string[];

export const scontrolHostnames: HostlistExpander = (hostlist) => {
  let out: string;
  try {
    out = execFileSync('scontrol', ['show', 'hostnames', hostlist], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new SluiceError("master 'slurm': scontrol not found: Slurm's commands must be on PATH");
    throw new SluiceError(`master 'slurm': scontrol show hostnames ${hostlist} failed: ${(err.stderr ?? err.message).trim()}`);
  }
  return out.split('\n').map((l) => l.trim()).filter((l) => l !== '');
};

/**
 * Reads the allocation from `SLURM_JOB_ID`, `SLURM_JOB_NODELIST` (expanded), `SLURM_JOB_CPUS_PER_NODE`
 * (`32(x4)` or `4,2(x3)`) and `SLURM_MEM_PER_NODE` (MiB). Outside an allocation it is an error that
 * says how to get one.
 */
export function readSlurmAllocation(env: NodeJS.ProcessEnv = process.env, expand: HostlistExpander = scontrolHostnames): SlurmAllocation {
  const jobId = env.SLURM_JOB_ID ?? env.SLURM_JOBID;
  if (!jobId) throw new SluiceError("master 'slurm' runs inside a Slurm allocation (salloc, or an sbatch script): SLURM_JOB_ID is not set. From outside one, use `sluice submit --slurm`");
  const hostlist = env.SLURM_JOB_NODELIST ?? env.SLURM_NODELIST;
  if (!hostlist) throw new SluiceError(`master 'slurm': SLURM_JOB_NODELIST is not set in job ${jobId}`);
  const nodes = expand(hostlist);
  if (nodes.length === 0) throw new SluiceError(`master 'slurm': the node list "${hostlist}" of job ${jobId} names no node`);
  const cpusText = env.SLURM_JOB_CPUS_PER_NODE;
  if (!cpusText) throw new SluiceError(`master 'slurm': SLURM_JOB_CPUS_PER_NODE is not set in job ${jobId}`);
  const cpusPerNode = expandCounts(cpusText);
  if (cpusPerNode.length !== nodes.length) throw new SluiceError(`master 'slurm': SLURM_JOB_CPUS_PER_NODE "${cpusText}" counts ${cpusPerNode.length} node(s), the node list ${nodes.length}`);
  const alloc: SlurmAllocation = { jobId, nodes, cpusPerNode, inStep: env.SLURM_STEP_ID !== undefined };
  const mem = Number(env.SLURM_MEM_PER_NODE);
  if (env.SLURM_MEM_PER_NODE && Number.isFinite(mem) && mem > 0) alloc.memPerNode = mem * 1024 ** 2;
  return alloc;
}

/** Slurm's repeated counts: `4,2(x3)` → [4, 2, 2, 2]. */
export function expandCounts(text: string): number[] {
  const out: number[] = [];
  for (const part of text.split(',')) {
    const m = /^\s*(\d+)(?:\(x(\d+)\))?\s*$/.exec(part);
    if (!m) throw new SluiceError(`master 'slurm': cannot read the CPU counts "${text}"`);
    for (let i = 0; i < Number(m[2] ?? 1); i++) out.push(Number(m[1]));
  }
  return out;
}
