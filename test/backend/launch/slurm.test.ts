import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { expandCounts, readSlurmAllocation, scontrolHostnames } from '../../../src/backend/launch/slurm-allocation.js';
import { slurmWorkers, startSlurmWorkers } from '../../../src/backend/launch/slurm.js';

const fakeExpand = (list: string) => (list === 'n[1-3]' ? ['n1', 'n2', 'n3'] : list.split(','));

test('the allocation comes from Slurm\'s environment: job id, expanded node list, CPUs and memory per node', () => {
  const a = readSlurmAllocation({ SLURM_JOB_ID: '77', SLURM_JOB_NODELIST: 'n[1-3]', SLURM_JOB_CPUS_PER_NODE: '8,4(x2)', SLURM_MEM_PER_NODE: '2048' }, fakeExpand);
  assert.deepEqual(a, { jobId: '77', nodes: ['n1', 'n2', 'n3'], cpusPerNode: [8, 4, 4], memPerNode: 2048 * 1024 ** 2, inStep: false });
  assert.equal(readSlurmAllocation({ SLURM_JOB_ID: '1', SLURM_JOB_NODELIST: 'a', SLURM_JOB_CPUS_PER_NODE: '2', SLURM_STEP_ID: '0' }, fakeExpand).inStep, true);
  assert.deepEqual(expandCounts('32(x4)'), [32, 32, 32, 32]);
  assert.deepEqual(expandCounts('2'), [2]);
  assert.throws(() => expandCounts('2(x'), /cannot read the CPU counts "2\(x"/);
});

test('outside an allocation, or with an inconsistent one, the error says what is missing', () => {
  assert.throws(() => readSlurmAllocation({}, fakeExpand), /runs inside a Slurm allocation \(salloc, or an sbatch script\): SLURM_JOB_ID is not set.*sluice submit --slurm/);
  assert.throws(() => readSlurmAllocation({ SLURM_JOB_ID: '5' }, fakeExpand), /SLURM_JOB_NODELIST is not set in job 5/);
  assert.throws(() => readSlurmAllocation({ SLURM_JOB_ID: '5', SLURM_JOB_NODELIST: 'a,b' }, fakeExpand), /SLURM_JOB_CPUS_PER_NODE is not set/);
  assert.throws(() => readSlurmAllocation({ SLURM_JOB_ID: '5', SLURM_JOB_NODELIST: 'a,b', SLURM_JOB_CPUS_PER_NODE: '4' }, fakeExpand), /counts 1 node\(s\), the node list 2/);
});

test('the launch plan: one srun step, a worker per node with the smallest node\'s cores and 70% of the memory', () => {
  const allocation = readSlurmAllocation({ SLURM_JOB_ID: '77', SLURM_JOB_NODELIST: 'n[1-3]', SLURM_JOB_CPUS_PER_NODE: '8,4(x2)', SLURM_MEM_PER_NODE: '1000' }, fakeExpand);
  const plan = slurmWorkers({ allocation, driver: 'login1:40001', secretFile: '/shared/s', node: '/usr/bin/node', cli: '/opt/sluice/main.js', dir: '/scratch/w' });
  assert.equal(plan.command, 'srun');
  assert.deepEqual(plan.nodes, ['n1', 'n2', 'n3']);
  assert.equal(plan.cores, 4);
  assert.equal(plan.memory, Math.floor(1000 * 1024 ** 2 * 0.7));
  assert.deepEqual(plan.args, [
    '--jobid=77', '--nodes=3', '--ntasks=3', '--ntasks-per-node=1', '--cpus-per-task=4', '--kill-on-bad-exit=0', '--job-name=sluice-workers',
    '/usr/bin/node', '/opt/sluice/main.js', 'worker', '--driver', 'login1:40001', '--secret-file', '/shared/s', '--cores', '4', '--memory', String(plan.memory), '--dir', '/scratch/w',
  ]);
  const inStep = slurmWorkers({ allocation: { ...allocation, inStep: true, memPerNode: undefined as unknown as number }, driver: 'h:1', secretFile: '/s', node: 'node', cli: 'cli' });
  assert.ok(inStep.args.includes('--overlap'), 'a driver inside a step shares its CPUs with the workers\' step');
  assert.ok(!inStep.args.includes('--memory') && inStep.memory === undefined);
  const given = slurmWorkers({ allocation, driver: 'h:1', secretFile: '/s', node: 'node', cli: 'cli', memory: 123456789 });
  assert.equal(given.args[given.args.indexOf('--memory') + 1], '123456789', 'a memory given (SLUICE_MEMORY, memory option) overrides the share');
});

test('startSlurmWorkers runs srun with the plan and stop() ends it', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-srun-'));
  try {
    const log = path.join(dir, 'log');
    fs.writeFileSync(path.join(dir, 'srun'), `#!/bin/bash\nprintf '%s\\n' "$@" >${log}\ntrap 'echo stopped >>${log}; exit 0' TERM\nwhile :; do sleep 0.1; done\n`, { mode: 0o755 });
    const plan = slurmWorkers({ allocation: { jobId: '9', nodes: ['a'], cpusPerNode: [2], inStep: false }, driver: 'h:1', secretFile: '/s', node: 'node', cli: 'cli' });
    const w = startSlurmWorkers(plan, { ...process.env, PATH: `${dir}:${process.env.PATH}` });
    for (let i = 0; i < 100 && !fs.existsSync(log); i++) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(await w.stop(), 0);
    assert.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), [...plan.args, 'stopped']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

const haveScontrol = spawnSync('scontrol', ['--version']).status === 0;
test('scontrol show hostnames expands a host list', { skip: haveScontrol ? false : 'scontrol is not installed here' }, () => {
  assert.deepEqual(scontrolHostnames('n[01-03],gpu7'), ['n01', 'n02', 'n03', 'gpu7']);
});
