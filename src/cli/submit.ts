import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseBytes } from '../util/bytes.js';
import { SluiceError } from '../util/errors.js';
import { sbatchScript, type SbatchPlan } from './sbatch-script.js';

/** Options of `sluice submit` as commander hands them over. */
export interface SubmitCliOptions {
  slurm?: boolean;
  nodes?: string;
  coresPerNode?: string;
  mem?: string;
  time?: string;
  partition?: string;
  bundle?: string;
  port?: string;
  output?: string;
  jobName?: string;
  dryRun?: boolean;
}

/** This CLI's entry point: what the workers and the driver run unless the bundle carries its own sluice. */
const THIS_CLI = fileURLToPath(new URL('./main.js', import.meta.url));

/**
 * Builds the sbatch plan from the options: validates them (errors name the option), and with
 * `--bundle` (unless `copy` is false, for --dry-run) copies the job file, its package.json, lock file
 * and node_modules to that shared directory, from where every node then runs it.
 */
export function submitPlan(job: string, args: string[], o: SubmitCliOptions, cwd = process.cwd(), copy = true): SbatchPlan {
  if (!o.slurm) throw new SluiceError('sluice submit: say where to submit: --slurm (the only scheduler supported; for Kubernetes see deploy/k8s/)');
  const jobAbs = resolve(cwd, job);
  if (!existsSync(jobAbs)) throw new SluiceError(`job file not found: ${jobAbs}`);
  const nodes = positiveInt(o.nodes ?? '1', '--nodes');
  if (o.coresPerNode === undefined) throw new SluiceError('--cores-per-node: required (the task slots of each worker, e.g. 32)');
  const coresPerNode = positiveInt(o.coresPerNode, '--cores-per-node');
  let mem: number | undefined;
  if (o.mem !== undefined) {
    try {
      mem = parseBytes(o.mem);
    } catch (e) {
      throw new SluiceError(`--mem: ${(e as Error).message}`);
    }
    if (mem < 64 * 1024 ** 2) throw new SluiceError(`--mem: ${o.mem} per node is too little for a worker and the driver (at least 64m)`);
  }
  if (o.time !== undefined && !/^(\d+-)?\d+(:\d{1,2}){0,2}$|^(UNLIMITED|INFINITE)$/i.test(o.time)) {
    throw new SluiceError(`--time: invalid time limit "${o.time}": use minutes, MM:SS, HH:MM:SS, D-HH, D-HH:MM or D-HH:MM:SS`);
  }
  if (o.partition !== undefined && !/^[\w.-]+(,[\w.-]+)*$/.test(o.partition)) throw new SluiceError(`--partition: invalid partition name "${o.partition}"`);
  const port = o.port === undefined ? undefined : positiveInt(o.port, '--port');
  if (port !== undefined && port > 65535) throw new SluiceError(`--port: ${port} is not a TCP port (1 to 65535)`);
  const jobName = o.jobName ?? `sluice-${basename(jobAbs).replace(/\.[^.]+$/, '')}`;
  if (!/^[\w.-]+$/.test(jobName)) throw new SluiceError(`--job-name: "${jobName}" may hold letters, digits, _, . and - only`);

  let chdir = resolve(cwd);
  let jobPath = jobAbs;
  let cli = THIS_CLI;
  if (o.bundle !== undefined) ({ chdir, jobPath, cli } = bundle(jobAbs, resolve(cwd, o.bundle), copy));
  const plan: SbatchPlan = {
    jobName,
    nodes,
    coresPerNode,
    output: resolve(chdir, o.output ?? `${jobName}-%j.out`),
    chdir,
    node: process.execPath,
    cli,
    job: jobPath,
    args,
    runDir: join(chdir, '.sluice', 'jobs'),
  };
  if (mem !== undefined) plan.mem = mem;
  if (o.time !== undefined) plan.time = o.time;
  if (o.partition !== undefined) plan.partition = o.partition;
  if (port !== undefined) plan.port = port;
  return plan;
}

function positiveInt(text: string, what: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(n) || n < 1) throw new SluiceError(`${what}: expected a positive integer, got "${text}"`);
  return n;
}

/**
 * Copies the job into `dest`, where it keeps its place relative to its package root (the nearest
 * directory above it with a package.json), with that package.json, package-lock.json and
 * node_modules. Other files the job imports by relative path are not copied: put them in a package.
 * The bundle's own sluice (node_modules/sluice) runs the job when there is one.
 */
function bundle(job: string, dest: string, copy: boolean): { chdir: string; jobPath: string; cli: string } {
  let root = dirname(job);
  while (!existsSync(join(root, 'package.json'))) {
    if (dirname(root) === root) throw new SluiceError(`--bundle: no package.json in ${dirname(job)} or above it: the bundle copies the job with its package.json and node_modules`);
    root = dirname(root);
  }
  const rel = relative(root, job);
  if (copy) {
    try {
      mkdirSync(dirname(join(dest, rel)), { recursive: true });
      cpSync(job, join(dest, rel));
      for (const f of ['package.json', 'package-lock.json', 'node_modules']) {
        if (existsSync(join(root, f))) cpSync(join(root, f), join(dest, f), { recursive: true, verbatimSymlinks: true, force: true });
      }
    } catch (e) {
      throw new SluiceError(`--bundle: cannot copy the job to ${dest} (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
    }
  }
  return { chdir: dest, jobPath: join(dest, rel), cli: bundledCli(root, dest) ?? THIS_CLI };
}

/** The CLI of node_modules/sluice in the bundle, from its package.json's bin. */
function bundledCli(root: string, dest: string): string | undefined {
  const pkg = join(root, 'node_modules', 'sluice', 'package.json');
  if (!existsSync(pkg)) return undefined;
  const bin = (JSON.parse(readFileSync(pkg, 'utf8')) as { bin?: string | Record<string, string> }).bin;
  const entry = typeof bin === 'string' ? bin : bin?.sluice;
  return entry ? join(dest, 'node_modules', 'sluice', entry) : undefined;
}

/**
 * `sluice submit --slurm`: writes the script to `.sluice/sbatch/` in the job's working directory and
 * submits it with `sbatch`; returns the job id. `--dry-run` returns the script instead, submitting
 * and copying nothing.
 */
export function submit(job: string, args: string[], o: SubmitCliOptions): { script: string; jobId?: string; scriptFile?: string; output: string } {
  const plan = submitPlan(job, args, o, process.cwd(), !o.dryRun);
  const script = sbatchScript(plan);
  if (o.dryRun) return { script, output: plan.output };
  const dir = join(plan.chdir, '.sluice', 'sbatch');
  const scriptFile = join(dir, `${plan.jobName}-${Date.now()}.sh`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(scriptFile, script, { mode: 0o755 });
  let out: string;
  try {
    out = execFileSync('sbatch', ['--parsable', scriptFile], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: string };
    if (err.code === 'ENOENT') throw new SluiceError('sbatch not found: submit from a host where Slurm is installed (a login node)');
    throw new SluiceError(`sbatch refused ${scriptFile}: ${(err.stderr ?? err.message).trim()}`);
  }
  const jobId = /^(\d+)/.exec(out.trim())?.[1];
  if (!jobId) throw new SluiceError(`sbatch printed no job id: ${out.trim()}`);
  return { script, jobId, scriptFile, output: plan.output.replace(/%j/g, jobId) };
}
