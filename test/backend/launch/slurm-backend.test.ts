import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SlurmBackend } from '../../../src/backend/launch/slurm-backend.js';
import type { BackendEvent } from '../../../src/backend/backend.js';
import type { BlockStore } from '../../../src/exec/worker-services.js';

// master 'slurm' without Slurm: a stub `srun` runs its command once per task (--ntasks) on this
// machine, as srun would on each node, so real `sluice worker` processes dial the driver.
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-slurm-backend-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function stubSrun(dir: string, log: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(
    path.join(dir, 'srun'),
    `#!/bin/bash
echo "$*" >>${log}
n=1
while [[ "$1" == --* ]]; do [[ "$1" == --ntasks=* ]] && n=\${1#--ntasks=}; shift; done
pids=()
for i in $(seq "$n"); do "$@" & pids+=($!); done
trap 'kill "\${pids[@]}" 2>/dev/null; wait; echo srun-stopped >>${log}; exit 0' TERM
wait
echo srun-done >>${log}
`,
    { mode: 0o755 },
  );
}

test('master slurm: one srun step starts a sluice worker per node, with the allocation\'s cores; stop ends them and removes the secret', async () => {
  const bin = path.join(tmp, 'bin');
  const log = path.join(tmp, 'srun.log');
  stubSrun(bin, log);
  const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, SLURM_JOB_ID: '31', SLURM_JOB_NODELIST: 'n[1-2]', SLURM_JOB_CPUS_PER_NODE: '2(x2)', SLURM_MEM_PER_NODE: '512', TMPDIR: tmp };
  delete (env as Record<string, string | undefined>).SLURM_STEP_ID;
  const events: BackendEvent[] = [];
  const backend = new SlurmBackend({ env, expand: () => ['n1', 'n2'], secretDir: path.join(tmp, 'jobs'), joinTimeoutMs: 60_000 });
  await backend.start((e) => events.push(e), undefined as unknown as BlockStore);
  try {
    const joined = events.filter((e): e is Extract<BackendEvent, { type: 'WorkerJoined' }> => e.type === 'WorkerJoined');
    assert.equal(joined.length, 2, 'a worker per allocated node joined before start() resolved');
    assert.deepEqual(joined.map((j) => j.slots), [2, 2]);
    assert.deepEqual(joined.map((j) => j.memory), [Math.floor(512 * 1024 ** 2 * 0.7), Math.floor(512 * 1024 ** 2 * 0.7)]);
    assert.match(backend.name, /^slurm\[31: 2 node\(s\)\]$/);
    const srunArgs = fs.readFileSync(log, 'utf8').split('\n')[0]!;
    assert.match(srunArgs, /^--jobid=31 --nodes=2 --ntasks=2 --ntasks-per-node=1 --cpus-per-task=2 /);
    assert.match(srunArgs, new RegExp(` worker --driver ${os.hostname()}:\\d+ --secret-file ${path.join(tmp, 'jobs')}/31-${process.pid}/secret --cores 2 `));
    const secret = path.join(tmp, 'jobs', `31-${process.pid}`, 'secret');
    assert.equal(fs.statSync(secret).mode & 0o777, 0o600);
  } finally {
    await backend.stop();
  }
  const text = fs.readFileSync(log, 'utf8');
  assert.match(text, /srun-(done|stopped)/, 'the srun step ended');
  assert.ok(!fs.existsSync(path.join(tmp, 'jobs', `31-${process.pid}`)), 'the secret is removed');
});

test('master slurm outside an allocation fails with how to get one; a failing srun fails start with its exit code', async () => {
  const env = { PATH: process.env.PATH };
  await assert.rejects(new SlurmBackend({ env }).start(() => {}, undefined as unknown as BlockStore), /SLURM_JOB_ID is not set/);
  const bin = path.join(tmp, 'bin-fail');
  fs.mkdirSync(bin, { recursive: true });
  fs.writeFileSync(path.join(bin, 'srun'), '#!/bin/bash\necho "srun: error: Unable to create step" >&2\nexit 7\n', { mode: 0o755 });
  const backend = new SlurmBackend({ env: { PATH: `${bin}:${process.env.PATH}`, SLURM_JOB_ID: '32', SLURM_JOB_NODELIST: 'n1', SLURM_JOB_CPUS_PER_NODE: '1' }, expand: () => ['n1'], secretDir: path.join(tmp, 'jobs') });
  await assert.rejects(backend.start(() => {}, undefined as unknown as BlockStore), /srun --jobid=32 .* ended \(exit code 7\) before 1 worker\(s\) joined/);
  assert.ok(!fs.existsSync(path.join(tmp, 'jobs', `32-${process.pid}`)), 'nothing left behind');
});
