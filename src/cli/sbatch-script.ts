/** Everything an sbatch script for one sluice job needs; paths are absolute. */
export interface SbatchPlan {
  jobName: string;
  nodes: number;
  coresPerNode: number;
  /** Memory per node in bytes (sbatch --mem); the workers get 70% of it as their budget. */
  mem?: number;
  /** Slurm time limit as sbatch takes it: `30`, `1:00:00`, `2-00:00:00`. */
  time?: string;
  partition?: string;
  /** The job's stdout and stderr (`%j` is the job id). */
  output: string;
  /** Working directory of the driver and of every worker: modules resolve from here. */
  chdir: string;
  /** The node binary and the sluice CLI (dist/src/cli/main.js) to run on every node. */
  node: string;
  cli: string;
  job: string;
  args: string[];
  /** The driver's port; by default one derived from the job id, so two jobs on one node do not collide. */
  port?: number;
  /** Parent of the per-job directory that holds the secret: must be on a file system every node sees. */
  runDir: string;
}

/** The share of a node's memory (--mem) the worker on it takes as its block budget; the rest is the runtime's and the driver's. */
export const WORKER_MEMORY_SHARE = 0.7;

/** Quotes a value for bash: single quotes, with each `'` closed, escaped and reopened. */
export function shellQuote(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

/**
 * The batch script: the driver (`sluice run --listen`) runs in the batch step, on the first node of
 * the allocation, and `srun` starts one `sluice worker` per node that dials it at that node's
 * hostname. The secret is made fresh for each job, in a directory only its owner may read, and
 * removed when the job ends; it never appears on a command line or in the environment.
 */
export function sbatchScript(p: SbatchPlan): string {
  const q = shellQuote;
  const directives = [
    `--job-name=${p.jobName}`,
    `--nodes=${p.nodes}`,
    '--ntasks-per-node=1',
    `--cpus-per-task=${p.coresPerNode}`,
    ...(p.mem !== undefined ? [`--mem=${Math.ceil(p.mem / 1024 ** 2)}M`] : []),
    ...(p.time !== undefined ? [`--time=${p.time}`] : []),
    ...(p.partition !== undefined ? [`--partition=${p.partition}`] : []),
    `--output=${p.output}`,
    `--chdir=${p.chdir}`,
  ];
  const workerMemory = p.mem !== undefined ? ` --memory ${Math.floor(p.mem * WORKER_MEMORY_SHARE)}` : '';
  const port = p.port !== undefined ? String(p.port) : '$((20000 + SLURM_JOB_ID % 40000))';
  return `#!/bin/bash
${directives.map((d) => `#SBATCH ${d}`).join('\n')}
# Written by \`sluice submit\`. The driver runs here, on the first node of the allocation; srun starts
# one \`sluice worker\` per node, and the workers dial the driver with a secret made for this job.
set -euo pipefail
NODE=${q(p.node)}
SLUICE=${q(p.cli)}
JOB=${q(p.job)}
run_dir=${q(p.runDir)}/"$SLURM_JOB_ID"
secret_file="$run_dir/secret"
umask 077
mkdir -p "$run_dir"
chmod 700 "$run_dir"
head -c 32 /dev/urandom | od -An -v -tx1 | tr -d ' \\n' >"$secret_file"
chmod 600 "$secret_file"
cleanup() { rm -f "$secret_file"; rmdir "$run_dir" 2>/dev/null || true; }
trap cleanup EXIT
driver_host=$(hostname)
port=${port}
echo "sluice: job $SLURM_JOB_ID, driver $driver_host:$port, $SLURM_JOB_NUM_NODES worker(s) of ${p.coresPerNode} core(s)" >&2

srun --nodes="$SLURM_JOB_NUM_NODES" --ntasks="$SLURM_JOB_NUM_NODES" --ntasks-per-node=1 --cpus-per-task=${p.coresPerNode} --kill-on-bad-exit=0 \\
  "$NODE" "$SLUICE" worker --driver "$driver_host:$port" --secret-file "$secret_file" --cores ${p.coresPerNode}${workerMemory} --dir "\${TMPDIR:-/tmp}/sluice-$SLURM_JOB_ID" &
workers=$!

status=0
"$NODE" "$SLUICE" run "$JOB" --listen "0.0.0.0:$port" --secret-file "$secret_file" --min-workers "$SLURM_JOB_NUM_NODES" --no-progress${p.args.length ? ` -- ${p.args.map(q).join(' ')}` : ''} || status=$?
# The workers end when their driver goes; this stops any that did not.
kill "$workers" 2>/dev/null || true
wait "$workers" 2>/dev/null || true
exit "$status"
`;
}
