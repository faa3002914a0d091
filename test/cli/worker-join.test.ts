import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterBackend } from '../../src/backend/cluster/cluster-backend.js';
import type { BackendEvent } from '../../src/backend/backend.js';

// `sluice worker` as a process against a live cluster driver: it joins with the cores and memory
// given on its command line, and ends (exit 0) when the driver stops.
const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-worker-join-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

function worker(args: string[]): { exit: Promise<{ code: number | null; stderr: string }> } {
  const child = spawn(process.execPath, [CLI, 'worker', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  return { exit: new Promise((resolve) => child.on('exit', (code) => resolve({ code, stderr }))) };
}

test('sluice worker joins the driver with its --cores and --memory, and exits 0 when the driver stops', async () => {
  const secret = 'k'.repeat(48);
  const secretFile = path.join(tmp, 'secret');
  fs.writeFileSync(secretFile, `${secret}\n`, { mode: 0o600 });
  const events: BackendEvent[] = [];
  const driver = new ClusterBackend({ secret });
  await driver.start((e) => events.push(e));
  try {
    const { port } = driver.address();
    const w = worker(['--driver', `127.0.0.1:${port}`, '--secret-file', secretFile, '--cores', '2', '--memory', '96m', '--dir', tmp, '--host', '127.0.0.1']);
    await driver.waitForWorkers(1, 60_000);
    const [joined] = driver.workers();
    assert.equal(joined!.cores, 2);
    assert.equal(joined!.memory, 96 * 1024 ** 2);
    assert.equal(joined!.host, '127.0.0.1');
    const ev = events.find((e) => e.type === 'WorkerJoined');
    assert.ok(ev && ev.type === 'WorkerJoined' && ev.slots === 2);
    await driver.stop();
    const r = await w.exit;
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(fs.readdirSync(tmp).filter((f) => f.startsWith('sluice-worker-')), [], 'the worker removed its private directory');
  } finally {
    await driver.stop();
  }
});

test('a worker with the wrong secret is refused and exits 1 saying it could not join', async () => {
  const driver = new ClusterBackend({ secret: 'right-secret-right-secret' });
  await driver.start(() => {});
  try {
    const wrong = path.join(tmp, 'wrong');
    fs.writeFileSync(wrong, 'w'.repeat(32), { mode: 0o600 });
    const w = worker(['--driver', `127.0.0.1:${driver.address().port}`, '--secret-file', wrong, '--cores', '1', '--memory', '64m', '--dir', tmp, '--connect-timeout', '2']);
    const r = await w.exit;
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^sluice worker: .*could not join the driver at 127\.0\.0\.1:\d+/);
    assert.equal(driver.workers().length, 0);
  } finally {
    await driver.stop();
  }
});
