/**
 * processes[N] driven with fake payloads (test/backend/cluster/fake-runner.ts): workers join,
 * run, are killed, crash and stop with the events the scheduler expects, and leave no process
 * or directory behind.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, test } from 'node:test';
import { ProcessesBackend } from '../../../src/backend/cluster/processes-backend.js';
import { alive, EventLog, fakePayload } from './event-log.js';

const runner = new URL('./fake-runner.js', import.meta.url).href;
const log = new EventLog();
let backend: ProcessesBackend;

before(async () => {
  backend = new ProcessesBackend({ workers: 2, memoryPerWorker: 64 << 20, preload: [], runner, heartbeatMs: 200, maxMissedHeartbeats: 5 });
  await backend.start(log.emit);
});
after(async () => {
  await backend.stop();
});

let taskId = 0;
const seenPids = new Set<number>();
setInterval(() => backend?.pids().forEach((p) => seenPids.add(p)), 50).unref();
const workers = (): string[] => log.all.flatMap((e) => (e.type === 'WorkerJoined' ? [e.worker] : [])).filter((w) => !log.all.some((e) => e.type === 'WorkerLost' && e.worker === w));

test('N processes join with one slot each and run tasks; answers come from distinct processes', async () => {
  const joined = log.all.filter((e) => e.type === 'WorkerJoined');
  assert.equal(joined.length, 2);
  for (const j of joined) assert.equal((j as { slots: number }).slots, 1);
  const pids = new Set<number>();
  for (const w of workers()) {
    const id = ++taskId;
    backend.launch(w, fakePayload(id, {}, 5));
    const done = await log.next('TaskFinished', (e) => e.taskId === id);
    assert.equal(done.worker, w);
    const v = done.result.value as { pid: number; partition: number };
    assert.equal(v.partition, 5);
    assert.notEqual(v.pid, process.pid);
    pids.add(v.pid);
  }
  assert.equal(pids.size, 2);
  assert.deepEqual([...pids].sort(), backend.pids().sort());
});

test('a user failure comes back as TaskFailed with its message', async () => {
  const id = ++taskId;
  backend.launch(workers()[0]!, fakePayload(id, { fail: 'boom at record 3' }));
  const f = await log.next('TaskFailed', (e) => e.taskId === id);
  assert.equal(f.error.message, 'boom at record 3');
});

test('kill ends a spinning task: TaskFailed, the worker process and its id stay and run the next task', async () => {
  const w = workers()[0]!;
  const pidsBefore = backend.pids().sort();
  const id = ++taskId;
  backend.launch(w, fakePayload(id, { spinMs: 60_000 }));
  await new Promise((r) => setTimeout(r, 300));
  backend.kill(w, id);
  const f = await log.next('TaskFailed', (e) => e.taskId === id, 10_000);
  assert.match(f.error.message, /killed/);
  const id2 = ++taskId;
  backend.launch(w, fakePayload(id2, {}));
  assert.equal((await log.next('TaskFinished', (e) => e.taskId === id2)).worker, w);
  assert.deepEqual(backend.pids().sort(), pidsBefore);
  assert.ok(!log.all.some((e) => e.type === 'WorkerLost'));
});

/** Paths under the workers' directory named `name`. */
const named = (name: string): string[] => (existsSync(backend.dir) ? readdirSync(backend.dir, { recursive: true, encoding: 'utf8' }).filter((f) => basename(f) === name).map((f) => join(backend.dir, f)) : []);
async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  for (const end = Date.now() + ms; !ok(); await new Promise((r) => setTimeout(r, 50))) if (Date.now() > end) assert.fail(`${what} within ${ms} ms`);
}
const heldDisk = (): number => (backend as unknown as { cluster: { workers(): Array<{ held: { disk: number } }> } }).cluster.workers().reduce((a, w) => a + w.held.disk, 0);

test("a killed task's files (partial blocks, spill runs) are removed with its thread", async () => {
  const w = workers()[0]!;
  const id = ++taskId;
  backend.launch(w, fakePayload(id, { writeFile: `partial-${id}.spill`, spinMs: 60_000 }));
  await until('the task wrote its file', () => named(`partial-${id}.spill`).length === 1);
  backend.kill(w, id);
  await log.next('TaskFailed', (e) => e.taskId === id, 10_000);
  await until('the dead thread\'s file is removed', () => named(`partial-${id}.spill`).length === 0);
});

test('blocks reported with the end of a task that was killed meanwhile are dropped, files included', async () => {
  const w = workers()[0]!;
  const id = ++taskId;
  backend.launch(w, fakePayload(id, { writeFile: `stale-${id}.spill`, staleDone: 999_999 }));
  await log.next('TaskFinished', (e) => e.taskId === id);
  await until('the stale block\'s file is removed', () => named(`stale-${id}.spill`).length === 0);
  // Held bytes come with results and heartbeats (every 200 ms here): the stale block is never counted.
  await new Promise((r) => setTimeout(r, 500));
  assert.equal(heldDisk(), 0);
});

test('a task thread that exits fails its task only; the worker keeps its id', async () => {
  const w = workers()[1]!;
  const id = ++taskId;
  backend.launch(w, fakePayload(id, { exitThread: true }));
  const f = await log.next('TaskFailed', (e) => e.taskId === id);
  assert.match(f.error.message, /exited with code 7/);
  const id2 = ++taskId;
  backend.launch(w, fakePayload(id2, {}));
  assert.equal((await log.next('TaskFinished', (e) => e.taskId === id2)).worker, w);
});

test('kill -9 of a worker process mid-task: WorkerLost with outputsLost and the task error, then a new process joins', async () => {
  const w = workers()[0]!;
  const id = ++taskId;
  backend.launch(w, fakePayload(id, { killProcess: true }));
  const lost = await log.next('WorkerLost', (e) => e.worker === w);
  assert.equal(lost.outputsLost, true);
  assert.ok(lost.taskErrors?.[id], 'the running task is named');
  assert.match(lost.taskErrors![id]!.message, /was lost/);
  const first = new Set(log.all.slice(0, 2).map((x) => (x as { worker: string }).worker));
  const joined = await log.next('WorkerJoined', (e) => !first.has(e.worker));
  assert.notEqual(joined.worker, w, 'a new process joins under a new id');
  assert.equal(backend.pids().length, 2);
});

test('a hung worker (SIGSTOP) is lost after missed heartbeats and replaced', async () => {
  const w = workers()[1]!;
  const id = ++taskId;
  backend.launch(w, fakePayload(id, {}));
  const wpid = ((await log.next('TaskFinished', (e) => e.taskId === id)).result.value as { pid: number }).pid;
  process.kill(wpid, 'SIGSTOP');
  const started = Date.now();
  const lost = await log.next('WorkerLost', (e) => e.worker === w, 10_000);
  assert.match(lost.reason, /no heartbeat/);
  assert.ok(Date.now() - started >= 900, 'not before 5 missed 200 ms heartbeats');
  const before = new Set(workers());
  await log.next('WorkerJoined', (e) => e.worker !== w && !before.has(e.worker), 10_000);
  for (let i = 0; i < 50 && alive(wpid); i++) await new Promise((r) => setTimeout(r, 100));
  assert.ok(!alive(wpid), 'the hung process was ended');
});

test('stop ends every worker process and removes their directories', async () => {
  // Every process ever started by the test: a replacement may still be on its way up under load.
  const pids = [...new Set([...backend.pids(), ...seenPids])];
  assert.ok(pids.length >= 2);
  await backend.stop();
  for (const p of pids) assert.ok(!alive(p), `worker process ${p} is gone`);
  // Its own directory, not a diff of os.tmpdir(): other test files (and their processes[N] sessions) run beside this one.
  assert.ok(!existsSync(backend.dir), `${backend.dir} is removed`);
});
