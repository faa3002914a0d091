import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { sbatchScript, shellQuote, type SbatchPlan } from '../../src/cli/sbatch-script.js';
import { submitPlan } from '../../src/cli/submit.js';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-submit-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const job = path.join(tmp, 'proj', 'jobs', 'count.ts');
fs.mkdirSync(path.dirname(job), { recursive: true });
fs.writeFileSync(job, 'export default async (s: any) => s.range(0, 10).count();\n');
fs.writeFileSync(path.join(tmp, 'proj', 'package.json'), '{"name":"proj","type":"module"}\n');
fs.mkdirSync(path.join(tmp, 'proj', 'node_modules', 'dep'), { recursive: true });
fs.writeFileSync(path.join(tmp, 'proj', 'node_modules', 'dep', 'index.js'), 'export const x = 1;\n');

/** `#SBATCH --key=value` directives of a script. */
function directives(script: string): Map<string, string> {
  const m = new Map<string, string>();
  for (const line of script.split('\n')) {
    const d = /^#SBATCH --([\w-]+)=(.*)$/.exec(line);
    if (d) m.set(d[1]!, d[2]!);
  }
  return m;
}

test('the script asks Slurm for the nodes, one task of all cores per node, memory, time and partition', () => {
  const plan = submitPlan(job, [], { slurm: true, nodes: '4', coresPerNode: '32', mem: '100g', time: '2:00:00', partition: 'compute' }, tmp, false);
  const script = sbatchScript(plan);
  assert.ok(script.startsWith('#!/bin/bash\n'));
  const d = directives(script);
  assert.equal(d.get('nodes'), '4');
  assert.equal(d.get('ntasks-per-node'), '1');
  assert.equal(d.get('cpus-per-task'), '32');
  assert.equal(d.get('mem'), `${100 * 1024}M`);
  assert.equal(d.get('time'), '2:00:00');
  assert.equal(d.get('partition'), 'compute');
  assert.equal(d.get('job-name'), 'sluice-count');
  assert.equal(d.get('chdir'), tmp);
  assert.equal(d.get('output'), path.join(tmp, 'sluice-count-%j.out'));
  // Directives must come before the first command, or sbatch ignores them.
  const lines = script.split('\n');
  const lastDirective = lines.map((l) => l.startsWith('#SBATCH')).lastIndexOf(true);
  assert.ok(lines.slice(1, lastDirective).every((l) => l.startsWith('#SBATCH')));
  // One srun line: a worker per node with the allocation's cores and 70% of the node's memory.
  const srun = lines.filter((l) => /^\s*srun /.test(l));
  assert.equal(srun.length, 1);
  assert.match(srun[0]!, /--ntasks-per-node=1 --cpus-per-task=32 /);
  const workerLine = lines[lines.indexOf(srun[0]!) + 1]!;
  assert.match(workerLine, /"\$SLUICE" worker --driver "\$driver_host:\$port" --secret-file "\$secret_file" --cores 32 --memory (\d+) /);
  assert.equal(Number(/--memory (\d+)/.exec(workerLine)![1]), Math.floor(100 * 1024 ** 3 * 0.7));
  assert.ok(workerLine.trimEnd().endsWith('&'), 'workers start in the background, the driver in the foreground');
  assert.match(script, /\n"\$NODE" "\$SLUICE" run "\$JOB" --listen "0\.0\.0\.0:\$port" --secret-file "\$secret_file" --min-workers "\$SLURM_JOB_NUM_NODES"/);
  // The secret: made on the node, in an owner-only directory, and never on a command line.
  assert.match(script, /umask 077\n/);
  assert.match(script, /head -c 32 \/dev\/urandom .*>"\$secret_file"\nchmod 600 "\$secret_file"/);
  assert.doesNotMatch(script, /--secret[ =][^f]/);
  assert.equal(spawnSync('bash', ['-n'], { input: script }).status, 0, 'bash accepts the script');
});

test('options are validated with the option named in the error', () => {
  const bad: Array<[Record<string, string | boolean>, RegExp]> = [
    [{ nodes: '0' }, /--nodes: expected a positive integer, got "0"/],
    [{ coresPerNode: 'many' }, /--cores-per-node: expected a positive integer/],
    [{ mem: '100x' }, /--mem: invalid byte size "100x"/],
    [{ mem: '1m' }, /--mem: 1m per node is too little/],
    [{ time: '1h' }, /--time: invalid time limit "1h"/],
    [{ partition: 'a b' }, /--partition: invalid partition name/],
    [{ port: '70000' }, /--port: 70000 is not a TCP port/],
    [{ jobName: 'x;rm' }, /--job-name: "x;rm" may hold/],
    [{ slurm: false }, /say where to submit: --slurm/],
  ];
  for (const [o, re] of bad) assert.throws(() => submitPlan(job, [], { slurm: true, coresPerNode: '2', ...o }, tmp, false), re, JSON.stringify(o));
  assert.throws(() => submitPlan(job, [], { slurm: true }, tmp, false), /--cores-per-node: required/);
  assert.throws(() => submitPlan('nope.ts', [], { slurm: true, coresPerNode: '2' }, tmp, false), /job file not found: .*nope\.ts/);
  for (const t of ['30', '10:00', '1:00:00', '2-00', '2-12:30:00', 'UNLIMITED']) submitPlan(job, [], { slurm: true, coresPerNode: '1', time: t }, tmp, false);
});

test('--bundle copies the job at its place in its package with package.json and node_modules, and runs from there', () => {
  const dest = path.join(tmp, 'shared', 'b1');
  const plan = submitPlan(job, [], { slurm: true, coresPerNode: '2', bundle: dest }, tmp, true);
  assert.equal(plan.chdir, dest);
  assert.equal(plan.job, path.join(dest, 'jobs', 'count.ts'));
  assert.equal(fs.readFileSync(plan.job, 'utf8'), fs.readFileSync(job, 'utf8'));
  assert.ok(fs.existsSync(path.join(dest, 'package.json')));
  assert.ok(fs.existsSync(path.join(dest, 'node_modules', 'dep', 'index.js')));
  assert.equal(plan.runDir, path.join(dest, '.sluice', 'jobs'));
  assert.equal(plan.cli, CLI, 'without node_modules/sluice in the bundle, this sluice runs it');
  // A bundle that carries sluice runs its own copy.
  const withSluice = path.join(tmp, 'proj', 'node_modules', 'sluice');
  fs.mkdirSync(withSluice, { recursive: true });
  fs.writeFileSync(path.join(withSluice, 'package.json'), JSON.stringify({ name: 'sluice', bin: { sluice: './dist/src/cli/main.js' } }));
  const plan2 = submitPlan(job, [], { slurm: true, coresPerNode: '2', bundle: path.join(tmp, 'shared', 'b2') }, tmp, false);
  assert.equal(plan2.cli, path.join(tmp, 'shared', 'b2', 'node_modules', 'sluice', 'dist', 'src', 'cli', 'main.js'));
  assert.ok(!fs.existsSync(path.join(tmp, 'shared', 'b2')), 'a dry run copies nothing');
  fs.rmSync(withSluice, { recursive: true });
  const loose = path.join(os.tmpdir(), `sluice-loose-${process.pid}.ts`);
  fs.writeFileSync(loose, '');
  try {
    assert.throws(() => submitPlan(loose, [], { slurm: true, coresPerNode: '1', bundle: dest }, tmp, false), /--bundle: no package.json in/);
  } finally {
    fs.rmSync(loose);
  }
});

// Runs the script with bash outside Slurm: `srun` and `node` are stubs that record what they were
// given, so the order of things, the secret's mode when each process starts, the hostname used as the
// driver's address, the quoting of the job's arguments and the exit status are all checked.
test('run under stubs: workers and driver get the secret file (0600) and the first node as driver, args survive quoting', () => {
  const dir = path.join(tmp, 'run');
  const bin = path.join(dir, 'bin');
  fs.mkdirSync(bin, { recursive: true });
  const log = path.join(dir, 'log');
  fs.writeFileSync(
    path.join(bin, 'srun'),
    `#!/bin/bash\necho "srun $*" >>${shellQuote(log)}\nwhile [[ "$1" == --* ]]; do shift; done\nexec "$@"\n`,
    { mode: 0o755 },
  );
  fs.writeFileSync(path.join(bin, 'hostname'), '#!/bin/bash\necho node07\n', { mode: 0o755 });
  const stubNode = path.join(bin, 'stub-node');
  fs.writeFileSync(
    stubNode,
    `#!/bin/bash
role=$2
sf=""
prev=""
for a in "$@"; do [[ "$prev" == --secret-file ]] && sf=$a; prev=$a; done
{ echo "$role mode=$(stat -c %a "$sf") dirmode=$(stat -c %a "$(dirname "$sf")") len=$(wc -c <"$sf")"; printf '%s\\n' "$role-args" "$@"; } >>${shellQuote(log)}
# The driver waits for its worker to join, as Session.cluster waits for minWorkers.
if [[ "$role" == run ]]; then for _ in $(seq 100); do grep -q '^worker mode=' ${shellQuote(log)} && break; sleep 0.1; done; fi
if [[ "$role" == worker ]]; then trap 'echo worker-stopped >>${shellQuote(log)}; exit 0' TERM; while :; do sleep 0.1; done; fi
exit 3
`,
    { mode: 0o755 },
  );
  const args = ["it's", 'two words', '$HOME', '--flag', '*.csv'];
  const plan: SbatchPlan = { ...submitPlan(job, args, { slurm: true, coresPerNode: '2', mem: '1g' }, dir, false), node: stubNode };
  const script = sbatchScript(plan);
  const r = spawnSync('bash', ['-c', script], {
    encoding: 'utf8',
    cwd: dir,
    env: { PATH: `${bin}:${process.env.PATH}`, SLURM_JOB_ID: '4242', SLURM_JOB_NUM_NODES: '3', TMPDIR: dir },
    timeout: 20_000,
  });
  assert.equal(r.status, 3, `the driver's exit status is the job's: ${r.stderr}`);
  assert.match(r.stderr, /sluice: job 4242, driver node07:24242, 3 worker\(s\) of 2 core\(s\)/);
  const text = fs.readFileSync(log, 'utf8');
  assert.match(text, /^srun --nodes=3 --ntasks=3 --ntasks-per-node=1 --cpus-per-task=2 --kill-on-bad-exit=0 /m);
  assert.match(text, /^worker mode=600 dirmode=700 len=64$/m);
  assert.match(text, /^run mode=600 dirmode=700 len=64$/m);
  const block = (role: string) => {
    const lines = text.split('\n');
    const i = lines.indexOf(`${role}-args`);
    return lines.slice(i + 1, i + 1 + (role === 'run' ? 11 + args.length : 12));
  };
  const secretFile = path.join(dir, '.sluice', 'jobs', '4242', 'secret');
  assert.deepEqual(block('worker'), [CLI, 'worker', '--driver', 'node07:24242', '--secret-file', secretFile, '--cores', '2', '--memory', String(Math.floor(1024 ** 3 * 0.7)), '--dir', path.join(dir, 'sluice-4242')]);
  assert.deepEqual(block('run'), [CLI, 'run', job, '--listen', '0.0.0.0:24242', '--secret-file', secretFile, '--min-workers', '3', '--no-progress', '--', ...args]);
  assert.match(text, /^worker-stopped$/m, 'workers left running when the driver ends are stopped');
  assert.ok(!fs.existsSync(secretFile) && !fs.existsSync(path.dirname(secretFile)), 'the secret and its directory are removed at the end');
});

test('sluice submit --dry-run prints the script and submits nothing; bad options exit 2', () => {
  const r = spawnSync(process.execPath, [CLI, 'submit', '--slurm', '--nodes', '2', '--cores-per-node', '4', '--dry-run', job, '--', 'a b'], { encoding: 'utf8', cwd: tmp });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(directives(r.stdout).get('nodes'), '2');
  assert.match(r.stdout, / -- 'a b' \|\| status=\$\?/);
  assert.ok(!fs.existsSync(path.join(tmp, '.sluice')), 'no script written');
  const r2 = spawnSync(process.execPath, [CLI, 'submit', '--slurm', '--cores-per-node', '4', '--mem', 'lots', job], { encoding: 'utf8', cwd: tmp });
  assert.equal(r2.status, 2);
  assert.match(r2.stderr, /^sluice submit: --mem: invalid byte size "lots"/);
});
