import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

// Compiled to dist/test/cli/: the CLI is dist/src/cli/main.js, the examples are in the repository root.
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const WORDCOUNT = path.join(ROOT, 'examples', 'wordcount.ts');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-cli-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function sluice(args: string[], onStart?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.SLUICE_MASTER;
    delete env.SLUICE_MEMORY;
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    onStart?.(child);
  });
}

function write(name: string, text: string): string {
  const p = path.join(tmp, name);
  fs.writeFileSync(p, text);
  return p;
}

const okJob = write(
  'ok-job.ts',
  `export default async (s: any, args: string[]) => {
  const sum: number = await s.range(0, 101).reduce((a: number, b: number) => a + b);
  return { sum, args, master: s.master };
};
`,
);

// "the" ×60, "cat" ×25 (with case and punctuation to check the tokenizer), "a" ×10 over several lines.
const text = write(
  'words.txt',
  [...Array(20)].map(() => 'The cat, the THE-cat.').join('\n') + '\n' + [...Array(10)].map(() => 'the the a cat! the 42').join('\n') + '\n' + 'cat cat cat 123\n',
);

for (const master of ['inline', 'local[2]']) {
  test(`a default-export job prints its result (${master})`, async () => {
    const r = await sluice(['run', okJob, 'x', 'y', '--master', master]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /sum: 5050/);
    assert.match(r.stdout, /args: \[ 'x', 'y' \]/);
    assert.match(r.stdout, new RegExp(`master: '${master.replace(/[[\]]/g, '\\$&')}'`));
    assert.match(r.stderr, /sluice: 1 job, 1 stage run/);
  });

  test(`examples/wordcount.ts counts words (${master})`, async () => {
    const r = await sluice(['run', WORDCOUNT, text, '--master', master]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^\s+the\s+90$/m);
    assert.match(r.stdout, /^\s+cat\s+53$/m);
    assert.match(r.stdout, /^\s+a\s+10$/m);
    assert.match(r.stdout, /distinct words: 3\b/);
    assert.match(r.stderr, /textFile → flatMap → map → \(shuffle write\)/);
  });
}

test('--event-log writes jobStart, taskEnd and jobEnd lines', async () => {
  const log = path.join(tmp, 'events.jsonl');
  const r = await sluice(['run', okJob, '--master', 'local[2]', '--event-log', log, '--no-progress']);
  assert.equal(r.code, 0, r.stderr);
  const types = fs.readFileSync(log, 'utf8').trim().split('\n').map((l) => (JSON.parse(l) as { type: string }).type);
  for (const t of ['jobStart', 'stageSubmitted', 'taskStart', 'taskEnd', 'stageCompleted', 'jobEnd']) assert.ok(types.includes(t), `${t} in ${types}`);
  assert.equal(types[0], 'jobStart');
  assert.equal(types.at(-1), 'jobEnd');
});

test('a job that throws in map exits 1 naming the operator and the user file', async () => {
  const bad = write(
    'bad-job.ts',
    `export default async (s: any) =>
  s.range(0, 20).map((x: number) => {
    if (x === 13) throw new RangeError('unlucky record ' + x);
    return x;
  }).collect();
`,
  );
  for (const master of ['inline', 'local[2]']) {
    const r = await sluice(['run', bad, '--master', master, '--max-task-failures', '2']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /error: Job aborted: map \(defined at .*bad-job\.ts:2:\d+\)/);
    assert.match(r.stderr, /RangeError: unlucky record 13/);
    assert.match(r.stderr, /User stack \(from the worker\):[\s\S]*bad-job\.ts \[map\]:\d+:\d+/);
    assert.match(r.stderr, /failed 2 time/);
  }
});

test('a module without a default export runs as a script', async () => {
  const script = write('script.mjs', `console.log('master from env:', process.env.SLUICE_MASTER);\n`);
  const r = await sluice(['run', script, '--master', 'local[3]']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /master from env: local\[3\]/);
  assert.doesNotMatch(r.stderr, /sluice: \d+ job/);
});

test('errors outside tasks: missing file, bad master, free variable', async () => {
  let r = await sluice(['run', path.join(tmp, 'missing.ts')]);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /job file not found/);
  r = await sluice(['run', okJob, '--master', 'cluster[9]']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /unknown master "cluster\[9\]"/);
  const free = write('free.ts', `export default async (s: any) => { const k = 3; return s.range(0, 3).map((x: number) => x * k).collect(); };\n`);
  r = await sluice(['run', free, '--master', 'inline']);
  assert.equal(r.code, 1);
  assert.match(r.stderr, /uses variable "k" that will not exist on the worker/);
});

test('--version and --help', async () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
  const v = await sluice(['--version']);
  assert.equal(v.stdout.trim(), pkg.version);
  const h = await sluice(['run', '--help']);
  assert.equal(h.code, 0);
  assert.match(h.stdout, /export default async \(session: Session, args: string\[\]\)/);
  assert.match(h.stdout, /--max-task-failures <n>/);
});

test('Ctrl-C cancels the running job and exits 130 promptly', async () => {
  const marker = path.join(tmp, 'started');
  const slow = write(
    'slow-job.ts',
    `import { importModule } from ${JSON.stringify(path.join(ROOT, 'dist', 'src', 'index.js'))};
export default async (s: any) =>
  s.range(0, 8, 1, 8).map((x: number, env: any) => {
    env.fs.writeFileSync(env.marker, 'x');
    const end = Date.now() + 60_000;
    while (Date.now() < end) {}
    return x;
  }, { fs: importModule('node:fs'), marker: ${JSON.stringify(marker)} }).collect();
`,
  );
  const started = Date.now();
  let poll: NodeJS.Timeout | undefined;
  const r = await sluice(['run', slow, '--master', 'local[2]', '--no-progress'], (child) => {
    poll = setInterval(() => {
      if (fs.existsSync(marker)) {
        clearInterval(poll);
        child.kill('SIGINT');
      }
    }, 50);
  });
  clearInterval(poll);
  assert.equal(r.code, 130, r.stderr);
  assert.ok(Date.now() - started < 30_000, 'the busy tasks were stopped, not waited for');
});
