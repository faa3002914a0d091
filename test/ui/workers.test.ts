/** Workers in the progress output, the job summary and the event log: who joined, who was lost, what each holds, who ran each task. */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { importModule, Session } from '../../src/index.js';
import { EventBus, type SluiceEvent, type WorkerView } from '../../src/scheduler/bus.js';
import { attachEventLog } from '../../src/ui/event-log.js';
import { attachProgress } from '../../src/ui/progress.js';
import { JobSummary } from '../../src/ui/summary.js';
import { zeroMetrics } from '../../src/util/metrics.js';
import { within } from '../failure/within.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-ui-workers-'));
after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const view = (worker: string, v: Partial<WorkerView> = {}): WorkerView => ({ worker, host: 'node07', cores: 4, memory: 2 ** 30, blocks: 0, memoryHeld: 0, diskHeld: 0, ...v });

/** Two workers join; w1 runs two tasks of stage 0, w2 one and a failed one; both hold blocks; w2 is lost. */
function events(): SluiceEvent[] {
  const task = (taskId: number, worker: string, ok: boolean, time: number): SluiceEvent[] => [
    { type: 'taskStart', time: time - 1, jobId: 0, stageId: 0, taskId, partition: taskId, attempt: 0, worker },
    ok
      ? { type: 'taskEnd', time, jobId: 0, stageId: 0, taskId, partition: taskId, attempt: 0, worker, ok, metrics: { ...zeroMetrics(), recordsRead: 10 } }
      : { type: 'taskEnd', time, jobId: 0, stageId: 0, taskId, partition: taskId, attempt: 0, worker, ok, error: { operator: 'map', stageId: 0, partition: taskId, attempt: 0, errorName: 'Error', message: 'x', stack: '' } },
  ];
  return [
    { type: 'workerJoined', time: 0, worker: view('w1') },
    { type: 'workerJoined', time: 0, worker: view('w2', { host: 'node08', cores: 1 }) },
    { type: 'jobStart', time: 1, jobId: 0, description: 'count', stages: [{ stageId: 0, name: 'range → map', numTasks: 3 }] },
    { type: 'stageSubmitted', time: 1, jobId: 0, stageId: 0, name: 'range → map', numTasks: 3, attempt: 0 },
    ...task(0, 'w1', true, 10),
    ...task(1, 'w2', false, 11),
    ...task(1, 'w2', true, 12),
    ...task(2, 'w1', true, 13),
    { type: 'stageCompleted', time: 14, jobId: 0, stageId: 0, name: 'range → map', metrics: { ...zeroMetrics(), recordsRead: 30 } },
    { type: 'jobEnd', time: 15, jobId: 0, ok: true },
    { type: 'workerStatus', time: 2000, workers: [view('w1', { blocks: 2, memoryHeld: 3 << 20 }), view('w2', { host: 'node08', cores: 1, blocks: 1, diskHeld: 1 << 20 })] },
    // Within statusEveryMs of the last one: not printed again.
    { type: 'workerStatus', time: 4000, workers: [view('w1', { blocks: 3, memoryHeld: 4 << 20 }), view('w2', { host: 'node08', cores: 1, blocks: 1, diskHeld: 1 << 20 })] },
    { type: 'workerLost', time: 5000, worker: 'w2', host: 'node08', reason: 'no heartbeat for 5000 ms' },
  ];
}

test('progress without a TTY: a line per worker joined and lost, what workers hold at most every statusEveryMs, who ran each stage', () => {
  const bus = new EventBus();
  let out = '';
  const stream = new Writable({ write: (chunk, _enc, cb) => ((out += String(chunk)), cb()) }) as unknown as NodeJS.WriteStream;
  const progress = attachProgress(bus, { stream, tty: false, statusEveryMs: 10_000 });
  for (const e of events()) bus.emit(e);
  progress.stop();
  const lines = out.trimEnd().split('\n');
  assert.deepEqual(lines, [
    'worker joined: w1 on node07 · 4 cores · 1.0 GiB',
    'worker joined: w2 on node08 · 1 core · 1.0 GiB',
    lines[2],
    'workers: 2 live · 5 cores · 3 blocks held: 3.0 MiB in memory, 1.0 MiB on disk',
    '  w1 on node07 · 4 cores · 1.0 GiB · 2 blocks held: 3.0 MiB in memory, 0 B on disk',
    '  w2 on node08 · 1 core · 1.0 GiB · 1 block held: 0 B in memory, 1.0 MiB on disk',
    'worker lost: w2 on node08: no heartbeat for 5000 ms',
  ]);
  assert.match(lines[2]!, /^stage 0 \(job 0\) range → map: 3\/3 tasks · 30 records · 1 failed attempts · on w1 \(2\), w2 \(1\) · /);
});

test('progress on a TTY shows a line per worker under the stage bars while a job runs', () => {
  const bus = new EventBus();
  let out = '';
  const stream = Object.assign(new Writable({ write: (chunk, _enc, cb) => ((out += String(chunk)), cb()) }), {
    isTTY: true,
    columns: 200,
    rows: 50,
    cursorTo: () => true,
    moveCursor: () => true,
    clearLine: () => true,
    clearScreenDown: () => true,
  }) as unknown as NodeJS.WriteStream;
  const progress = attachProgress(bus, { stream, tty: true });
  const all = events();
  // Up to the end of the stage's tasks: the bars are up, with a line per worker.
  for (const e of all.slice(0, 12)) bus.emit(e);
  progress.stop();
  assert.match(out, /w1 on node07 · 4 cores · 1\.0 GiB · \d running · 0 blocks held/);
  assert.match(out, /w2 on node08 · 1 core · 1\.0 GiB/);
});

test('JobSummary lists the workers: tasks and failures each ran, what each holds, who was lost and why', () => {
  const bus = new EventBus();
  const summary = new JobSummary();
  summary.attach(bus);
  for (const e of events()) bus.emit(e);
  const w1 = summary.workers.get('w1')!;
  const w2 = summary.workers.get('w2')!;
  assert.deepEqual([w1.tasks, w1.failures, w1.blocks, w1.memoryHeld, w1.lost], [2, 0, 3, 4 << 20, undefined]);
  assert.deepEqual([w2.tasks, w2.failures, w2.blocks, w2.lost], [2, 1, 0, 'no heartbeat for 5000 ms']);
  const text = summary.format();
  assert.match(text, /^workers:$/m);
  assert.match(text, /w1\s+node07\s+4\s+1\.0 GiB\s+2\s+0\s+3\s+4\.0 MiB\s+0 B\s+live$/m);
  assert.match(text, /w2\s+node08\s+1\s+1\.0 GiB\s+2\s+1\s+0\s+0 B\s+0 B\s+lost: no heartbeat for 5000 ms$/m);
});

test('the event log of a processes[2] session shows workers joining, what they hold, one lost and replaced, and who ran each task', async () => {
  const file = path.join(tmp, 'events.jsonl');
  const s = await Session.local({ master: 'processes[2]' });
  const log = attachEventLog(s, file);
  const statuses: Array<Extract<SluiceEvent, { type: 'workerStatus' }>> = [];
  s.on((e) => void (e.type === 'workerStatus' && statuses.push(e)));
  try {
    const cached = s.range(0, 10_000, 1, 4).map((x) => x + 1).cache();
    assert.equal(await cached.count(), 10_000);
    // What the workers hold goes out with the next status (every 2 s when it changed).
    for (let i = 0; i < 200 && !statuses.some((st) => st.workers.reduce((n, w) => n + w.blocks, 0) === 4); i++) await new Promise((r) => setTimeout(r, 50));
    // A task kills its own worker process once: the worker is lost and another takes its place.
    const marker = path.join(tmp, 'killed');
    const nodeFs = importModule('node:fs') as unknown as typeof fs;
    const killer = s.range(0, 8, 1, 4).map(
      (x, env) => {
        if (x === 5 && !env.fs.existsSync(env.marker)) {
          env.fs.writeFileSync(env.marker, '1');
          process.kill(process.pid, 'SIGKILL');
        }
        return x;
      },
      { fs: nodeFs, marker },
    );
    const replaced = new Promise<void>((resolve) => s.on((e) => e.type === 'workerJoined' && resolve()));
    assert.equal(await within(60_000, killer.count(), 'a job whose worker is killed'), 8);
    await within(60_000, replaced, 'the replacement worker joining');
  } finally {
    await log.close();
    await s.stop();
  }
  const events = fs.readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SluiceEvent);
  const joined = events.flatMap((e) => (e.type === 'workerJoined' ? [e.worker] : []));
  const lost = events.flatMap((e) => (e.type === 'workerLost' ? [e] : []));
  // The log was attached after the first two joined: they appear in the status; the replacement joins in the log.
  assert.equal(lost.length, 1, JSON.stringify(lost));
  assert.ok(joined.length >= 1 && joined.every((w) => w.cores === 1 && w.memory > 0 && w.host !== ''), JSON.stringify(joined));
  const status = events.find((e) => e.type === 'workerStatus' && e.workers.reduce((n, w) => n + w.blocks, 0) === 4);
  assert.ok(status && status.type === 'workerStatus' && status.workers.every((w) => w.cores === 1 && w.memory > 0), 'a status with the 4 cached partitions');
  const known = new Set([...joined.map((w) => w.worker), ...status.workers.map((w) => w.worker)]);
  assert.ok(known.has(lost[0]!.worker), `the lost worker ${lost[0]!.worker} was known`);
  const ran = events.flatMap((e) => (e.type === 'taskEnd' ? [e.worker] : []));
  assert.ok(ran.length > 0 && ran.every((w) => known.has(w)), `every task ran on a known worker: ${[...new Set(ran)].join(', ')}`);
});
