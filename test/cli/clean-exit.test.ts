/**
 * Clean exits: SIGTERM to `sluice run` cleans up like Ctrl-C (no spill
 * directory, no hidden temporary output directory, no output), and a program
 * that exits without stop() leaves no temp directory behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const INDEX = new URL('../../src/index.js', import.meta.url).href;
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-exit-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Runs node with `args`, TMPDIR set to `tmpDir`; `onStart` may signal it. Killed after 120 s (a hang). */
function run(args: string[], tmpDir: string, onStart?: (child: ReturnType<typeof spawn>) => void): Promise<{ code: number | null; signal: string | null; stderr: string; hung: boolean }> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: tmpDir };
    delete env.SLUICE_MASTER;
    delete env.SLUICE_MEMORY;
    const child = spawn(process.execPath, args, { cwd: ROOT, env });
    let stderr = '';
    child.stderr.on('data', (d) => (stderr += d));
    child.stdout.resume();
    let hung = false;
    const timer = setTimeout(() => {
      hung = true;
      child.kill('SIGKILL');
    }, 120_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr, hung });
    });
    onStart?.(child);
  });
}

const entries = (dir: string): string[] => (fs.existsSync(dir) ? fs.readdirSync(dir) : []);
/** Files anywhere under dir. */
const filesUnder = (dir: string): string[] =>
  entries(dir).flatMap((n) => {
    const p = path.join(dir, n);
    return fs.statSync(p).isDirectory() ? filesUnder(p) : [p];
  });

test('SIGTERM to sluice run cancels, removes the spill directory and the temporary output, and exits 143', async () => {
  const tmpDir = fs.mkdtempSync(path.join(tmp, 'tmpdir-'));
  const outParent = fs.mkdtempSync(path.join(tmp, 'out-'));
  const out = path.join(outParent, 'result');
  const job = path.join(tmp, 'spilling-job.mjs');
  // A sort far bigger than the memory budget: map outputs and sort runs spill, then the output is written.
  fs.writeFileSync(
    job,
    `export default async (s, args) => {
  await s.range(0, 4_000_000, 1, 8).map((x) => [(x * 7919) % 100003, 'v'.repeat(40) + x]).sortByKey().map((kv) => kv[1]).saveAsTextFile(args[0]);
  return 'finished';
};
`,
  );
  let sawSpill = false;
  let sawTempOutput = false;
  const r = await run([CLI, 'run', job, out, '--master', 'local[2]', '--memory', '8m', '--no-progress'], tmpDir, (child) => {
    const poll = setInterval(() => {
      const spillDirs = entries(tmpDir).filter((n) => n.startsWith('sluice-'));
      sawSpill ||= spillDirs.some((d) => filesUnder(path.join(tmpDir, d)).length > 0);
      sawTempOutput ||= entries(outParent).some((n) => n.includes('.sluice-tmp-'));
      if (sawSpill && sawTempOutput) {
        clearInterval(poll);
        child.kill('SIGTERM');
      }
    }, 50);
    child.on('close', () => clearInterval(poll));
  });
  assert.equal(r.hung, false, r.stderr);
  assert.ok(sawSpill && sawTempOutput, `the job spilled and started its output before the signal: ${r.stderr}`);
  assert.equal(r.code, 143, r.stderr);
  assert.match(r.stderr, /terminated \(SIGTERM\)/);
  assert.deepEqual(entries(tmpDir), [], 'no spill directory left');
  assert.deepEqual(entries(outParent), [], 'no output and no temporary output directory left');
});

test('a program that exits without stop() leaves no temp directory, whether it spilled or not', async () => {
  for (const spill of [false, true]) {
    const tmpDir = fs.mkdtempSync(path.join(tmp, 'tmpdir-'));
    const script = path.join(tmp, `no-stop-${spill}.mjs`);
    fs.writeFileSync(
      script,
      `import { Session } from ${JSON.stringify(INDEX)};
const s = await Session.local({ master: 'local[2]', memory: '4m' });
const n = ${spill}
  ? (await s.range(0, 200000, 1, 4).map((x) => [x % 997, 'p'.repeat(30)]).groupByKey().collect()).length
  : await s.range(0, 100, 1, 2).count();
console.log('n', n);
process.exit(0);
`,
    );
    const r = await run([script], tmpDir);
    assert.equal(r.hung, false, r.stderr);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(entries(tmpDir), [], `nothing left in TMPDIR (spill: ${spill})`);
  }
});
