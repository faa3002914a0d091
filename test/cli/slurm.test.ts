import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Session } from '../../src/api/session.js';

// End to end on a real Slurm (a single node here, which .ci/run starts as root with
// .ci/slurm-up.sh): one job through `sluice submit --slurm`, one through master 'slurm' inside salloc.
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const SLURM_BACKEND = pathToFileURL(fileURLToPath(new URL('../../src/backend/launch/slurm-backend.js', import.meta.url))).href;
const INDEX = pathToFileURL(fileURLToPath(new URL('../../src/index.js', import.meta.url))).href;

function slurmUp(): string | undefined {
  if (process.getuid?.() !== 0) return 'not run as root (.ci/run starts Slurm only as root)';
  const r = spawnSync('sinfo', ['-h', '-o', '%t'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) return `Slurm is not up (sinfo: ${r.error?.message ?? r.stderr.trim()}); start it with .ci/slurm-up.sh`;
  if (!/idle|mix|alloc/.test(r.stdout)) return `no Slurm node is usable (sinfo: ${r.stdout.trim()})`;
  return undefined;
}

function clusterMissing(): string | undefined {
  if (typeof (Session as unknown as { cluster?: unknown }).cluster !== 'function') return 'cluster backend missing: Session.cluster does not exist in this build';
  return undefined;
}

/** Whether master 'slurm' is a registered backend: outside an allocation it then fails for want of SLURM_JOB_ID. */
async function slurmMasterMissing(): Promise<string | undefined> {
  const env = { ...process.env };
  delete process.env.SLURM_JOB_ID;
  delete process.env.SLURM_JOBID;
  try {
    const s = await Session.local({ master: 'slurm' });
    await s.stop();
    return undefined;
  } catch (e) {
    if (/SLURM_JOB_ID is not set/.test((e as Error).message)) return undefined;
    return `master 'slurm' is not registered in this build (${(e as Error).message})`;
  } finally {
    Object.assign(process.env, env);
  }
}

const skipReason = slurmUp();
if (skipReason) console.log(`# slurm.test: skipped: ${skipReason}`);
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-slurm-e2e-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const SUM_OF_SQUARES = 332_833_500; // sum of x² for x in [0, 1000)

/** Waits until Slurm no longer lists the job as pending or running. */
async function waitForJob(jobId: string, timeoutMs: number): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const q = spawnSync('squeue', ['-h', '-j', jobId, '-o', '%T'], { encoding: 'utf8' });
    const state = q.status === 0 ? q.stdout.trim() : '';
    if (state === '' || !/PENDING|RUNNING|CONFIGURING|COMPLETING/.test(state)) {
      const s = spawnSync('scontrol', ['show', 'job', jobId], { encoding: 'utf8' });
      return /JobState=(\w+)/.exec(s.stdout)?.[1] ?? 'GONE';
    }
    if (Date.now() > deadline) {
      spawnSync('scancel', [jobId]);
      throw new Error(`Slurm job ${jobId} still ${state} after ${timeoutMs} ms (cancelled)`);
    }
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('sluice submit --slurm: the job runs with its driver on the first node and srun workers; the output file holds the answer', { skip: skipReason ?? clusterMissing(), timeout: 300_000 }, async () => {
  const job = path.join(tmp, 'squares.ts');
  fs.writeFileSync(job, `export default async (s: any) => {
  const sum = await s.range(0, 1000, 1, 4).map((x: number) => x * x).reduce((a: number, b: number) => a + b);
  return 'answer=' + sum + ' master=' + s.master;
};
`);
  const r = spawnSync(process.execPath, [CLI, 'submit', '--slurm', '--nodes', '1', '--cores-per-node', '2', '--mem', '1g', '--time', '5', '--output', 'squares-%j.out', job], { encoding: 'utf8', cwd: tmp });
  assert.equal(r.status, 0, r.stderr);
  const jobId = r.stdout.trim();
  assert.match(jobId, /^\d+$/);
  assert.match(r.stderr, new RegExp(`submitted .*\\.sh as Slurm job ${jobId}`));
  const state = await waitForJob(jobId, 240_000);
  const out = fs.readFileSync(path.join(tmp, `squares-${jobId}.out`), 'utf8');
  assert.match(out, new RegExp(`^answer=${SUM_OF_SQUARES} `, 'm'), out);
  assert.ok(state === 'COMPLETED' || state === 'GONE', `job state ${state}\n${out}`);
  assert.deepEqual(fs.readdirSync(path.join(tmp, '.sluice', 'jobs')), [], 'the job removed its secret');
});

function salloc(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('salloc', args, { cwd: tmp });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

test('inside salloc, the Slurm backend starts a worker per node through real srun, and stop ends the step', { skip: skipReason, timeout: 300_000 }, async () => {
  const script = path.join(tmp, 'backend-in-salloc.mjs');
  fs.writeFileSync(script, `import { SlurmBackend } from ${JSON.stringify(SLURM_BACKEND)};
const events = [];
const b = new SlurmBackend({ joinTimeoutMs: 120000 });
await b.start((e) => events.push(e), undefined);
console.log(JSON.stringify({ name: b.name, joined: events.filter((e) => e.type === 'WorkerJoined') }));
await b.stop();
`);
  const r = await salloc(['--nodes=1', '--cpus-per-task=2', '--mem=1g', '--time=5', process.execPath, script]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { name: string; joined: Array<{ slots: number; memory: number; host: string }> };
  assert.match(out.name, /^slurm\[\d+: 1 node\(s\)\]$/);
  assert.equal(out.joined.length, 1);
  assert.equal(out.joined[0]!.slots, 2, "the worker has the allocation's CPUs");
  assert.equal(out.joined[0]!.memory, Math.floor(1024 ** 3 * 0.7), "and 70% of the allocation's memory");
  assert.doesNotMatch(r.stderr, /Killed|CANCELLED/, 'the worker ended when told to stop, not by a signal');
});

test("master 'slurm' inside salloc: srun starts a worker per node and the job gets the right answer", { skip: skipReason ?? (await slurmMasterMissing()), timeout: 300_000 }, async () => {
  const driver = path.join(tmp, 'in-salloc.mjs');
  fs.writeFileSync(driver, `import { Session } from ${JSON.stringify(INDEX)};
const s = await Session.local({ master: 'slurm' });
try {
  const sum = await s.range(0, 1000, 1, 4).map((x) => x * x).reduce((a, b) => a + b);
  console.log('answer=' + sum + ' master=' + s.master);
} finally {
  await s.stop();
}
`);
  const r = await salloc(['--nodes=1', '--cpus-per-task=2', '--mem=1g', '--time=5', process.execPath, driver]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`^answer=${SUM_OF_SQUARES} master=slurm\\[\\d+: 1 node\\(s\\)\\]$`, 'm'));
  assert.ok(!fs.existsSync(path.join(tmp, '.sluice', 'jobs')) || fs.readdirSync(path.join(tmp, '.sluice', 'jobs')).length === 0, 'the secret is removed');
});
