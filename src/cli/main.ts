#!/usr/bin/env node
/**
 * The `sluice` command. `sluice run job.ts [args...]` runs a job file:
 *
 * ```ts
 * // job.ts — the default export receives a Session made by the CLI
 * import type { Session } from 'sluice';
 * export default async (session: Session, args: string[]) => session.range(0, 100).count();
 * ```
 */
import { readFileSync } from 'node:fs';
import { Command, InvalidArgumentError, Option } from 'commander';
import { SluiceError } from '../util/errors.js';
import { formatRunError } from './report-error.js';
import { runJobFile } from './run-job.js';
import { runWorkerCommand } from './run-worker.js';
import { submit, type SubmitCliOptions } from './submit.js';
import { connectTimeoutMs, workerSettings, type WorkerCliOptions } from './worker.js';

const JOB_HELP = `
Job files (.ts, .mts, .js, .mjs; TypeScript is compiled on the fly by tsx):
  The default export is the job:
    export default async (session: Session, args: string[]) => unknown
  The CLI creates the session (--master, --memory, --max-task-failures), shows
  progress (bars on a terminal, one line per stage otherwise), writes the event
  log, runs the function with the extra arguments, prints its result (unless
  undefined) on stdout, then a summary of the stages run on stderr.
  A module without a default-export function is a plain script: it is just
  imported and makes its own Session (which reads SLUICE_MASTER and
  SLUICE_MEMORY, set from --master and --memory); no progress, event log or
  summary are attached then.
  Functions passed to map, filter, ... travel to workers as source: pass the
  values they use in env, e.g. ds.map((x, env) => x * env.k, { k }).
  Options meant for the job go after "--": sluice run job.ts -- --top 5

Exit codes: 0 ok, 1 the job failed (the message, and for a failed task the
operator, its place in your file and your stack), 130 interrupted (Ctrl-C
cancels running jobs; a second Ctrl-C exits at once), 143 terminated (SIGTERM
cleans up the same way).

Examples:
  sluice run examples/wordcount.ts --master 'local[4]' books/*.txt
  sluice run job.ts --master inline --event-log events.jsonl`;

function positiveInt(text: string): number {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('expected a positive integer');
  return n;
}

function version(): string {
  // dist/src/cli/main.js when built, src/cli/main.ts when run through tsx.
  for (const rel of ['../../../package.json', '../../package.json']) {
    try {
      return (JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { version: string }).version;
    } catch {
      /* try the next layout */
    }
  }
  return 'unknown';
}

const program = new Command('sluice')
  .description('Parallel data processing for TypeScript (Spark RDD model on worker threads)')
  .version(version(), '-V, --version')
  .showHelpAfterError()
  .addHelpText('after', JOB_HELP);

program
  .command('run')
  .description('run a job file')
  .argument('<job>', 'job file: .ts, .mts, .js or .mjs')
  .argument('[args...]', 'arguments passed to the job (after "--" if they start with -)')
  .addOption(new Option('--master <master>', 'inline, local[N] or local[*]').default(process.env.SLUICE_MASTER ?? 'local[*]'))
  .addOption(new Option('--memory <size>', 'memory budget per worker, e.g. 512m (default: $SLUICE_MEMORY or a share of RAM)'))
  .option('--event-log <file>', 'append every job, stage and task event as JSON lines to <file>')
  .option('--no-progress', 'no progress bars or per-stage lines')
  .option('--no-summary', 'no stage summary at the end')
  .option('--max-task-failures <n>', 'attempts per task before the job fails', positiveInt, 4)
  .option('--listen <host:port>', 'be the driver of a cluster: listen for `sluice worker`s here (instead of --master)')
  .option('--secret-file <file>', 'with --listen: the cluster secret (a file of mode 0600)')
  .option('--min-workers <n>', 'with --listen: workers to wait for before the job starts', positiveInt, 1)
  .addHelpText('after', JOB_HELP)
  .action(async (job: string, args: string[], o: { master: string; memory?: string; eventLog?: string; progress: boolean; summary: boolean; maxTaskFailures: number; listen?: string; secretFile?: string; minWorkers: number }) => {
    if ((o.listen === undefined) !== (o.secretFile === undefined)) {
      process.stderr.write('sluice run: --listen and --secret-file go together: a cluster driver admits only workers that hold its secret\n');
      process.exit(2);
    }
    const { listen, secretFile, minWorkers, ...rest } = o;
    const code = await runJobFile(job, args, listen && secretFile ? { ...rest, cluster: { listen, secretFile, minWorkers } } : rest);
    // Exit explicitly: a job may leave timers or handles open; stdout/stderr are synchronous for files and pipes.
    process.exit(code);
  });

const WORKER_HELP = `
The worker dials the driver (a job run with \`sluice run --listen\`, \`sluice submit\`,
Session.cluster or master 'slurm'), proves it holds the cluster secret, announces its
cores and memory, and runs tasks until the driver stops or goes away.
The secret file must be readable by its owner only (chmod 600), as ssh requires of keys.
Job code and its node_modules must be at the same path on every host.

Exit codes: 0 the driver stopped the worker, 1 the worker failed, 2 invalid options.

Example:
  sluice worker --driver node01:7077 --secret-file ~/.sluice/secret --cores 16 --memory 48g --dir /scratch/sluice`;

program
  .command('worker')
  .description('run a worker that joins a driver (cluster, Slurm, Kubernetes)')
  .requiredOption('--driver <host:port>', "the driver's address")
  .requiredOption('--secret-file <file>', 'file holding the cluster secret (mode 0600)')
  .option('--cores <n>', 'task slots (default: $SLURM_CPUS_ON_NODE or all cores)')
  .option('--memory <size>', 'memory budget of the worker, e.g. 48g (default: 3/4 of RAM)')
  .option('--dir <dir>', 'scratch directory for spilled blocks (default: $TMPDIR/sluice-worker)')
  .option('--host <host>', 'address other workers reach this one at (default: as the driver sees it)')
  .option('--tls-cert <file>', 'TLS certificate (PEM); with --tls-key')
  .option('--tls-key <file>', 'TLS private key (PEM)')
  .option('--tls-ca <file>', 'CA certificate (PEM) to verify peers with')
  .option('--connect-timeout <seconds>', 'keep retrying a driver that is not listening yet', '120')
  .addHelpText('after', WORKER_HELP)
  .action(async (o: WorkerCliOptions) => {
    let settings;
    let timeout;
    try {
      settings = workerSettings(o);
      timeout = connectTimeoutMs(o);
    } catch (e) {
      process.stderr.write(`sluice worker: ${formatRunError(e).replace(/^error: /, '')}\n`);
      process.exit(2);
    }
    try {
      await runWorkerCommand(settings, timeout);
    } catch (e) {
      process.stderr.write(`sluice worker: ${formatRunError(e).replace(/^error: /, '')}\n`);
      process.exit(1);
    }
    process.exit(0);
  });

const SUBMIT_HELP = `
With --slurm, writes an sbatch script and submits it: the job's driver runs on the
first node of the allocation (\`sluice run --listen\`), and \`srun\` starts one
\`sluice worker\` per node that dials it with a secret made for this job (a 0600 file
in .sluice/jobs/<job id>/ under the working directory, removed at the end). That
directory, the job's code and its node_modules must be on a file system every node
sees (--bundle copies the job, package.json and node_modules to such a directory).
Prints the job id on stdout; the result is in the output file (--output, %j = job id).

Examples:
  sluice submit --slurm --nodes 4 --cores-per-node 32 --mem 100g job.ts
  sluice submit --slurm --nodes 2 --cores-per-node 8 --time 30 --bundle /shared/me/job1 job.ts -- in/*.csv
  sluice submit --slurm --nodes 2 --cores-per-node 8 --dry-run job.ts     # prints the script`;

program
  .command('submit')
  .description('submit a job to a cluster scheduler (Slurm)')
  .argument('<job>', 'job file: .ts, .mts, .js or .mjs')
  .argument('[args...]', 'arguments passed to the job (after "--" if they start with -)')
  .option('--slurm', 'submit with sbatch')
  .option('--nodes <n>', 'nodes, one worker each', '1')
  .option('--cores-per-node <n>', 'task slots of each worker (sbatch --cpus-per-task)')
  .option('--mem <size>', 'memory per node, e.g. 100g (workers budget 70% of it)')
  .option('--time <limit>', 'time limit, e.g. 30 or 2:00:00')
  .option('--partition <name>', 'Slurm partition')
  .option('--bundle <dir>', 'copy the job, package.json and node_modules to <dir> (shared) and run from there')
  .option('--port <n>', "driver's port (default: 20000 + job id % 40000)")
  .option('--output <file>', 'output file (default: <job name>-%j.out)')
  .option('--job-name <name>', 'Slurm job name (default: sluice-<job file name>)')
  .option('--dry-run', 'print the script; submit and copy nothing')
  .addHelpText('after', SUBMIT_HELP)
  .action((job: string, args: string[], o: SubmitCliOptions) => {
    try {
      const r = submit(job, args, o);
      if (r.jobId === undefined) process.stdout.write(r.script);
      else {
        process.stdout.write(`${r.jobId}\n`);
        process.stderr.write(`sluice: submitted ${r.scriptFile} as Slurm job ${r.jobId}; output in ${r.output}\n`);
      }
    } catch (e) {
      process.stderr.write(`sluice submit: ${formatRunError(e).replace(/^error: /, '')}\n`);
      process.exit(e instanceof SluiceError ? 2 : 1);
    }
  });

// `sluice run job.ts | head`: a closed pipe ends the run quietly, as for other Unix tools.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});

await program.parseAsync(process.argv);
