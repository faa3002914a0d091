import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { Session } from '../../src/api/session.js';
import { EventBus, type SluiceEvent } from '../../src/scheduler/bus.js';
import { zeroMetrics } from '../../src/util/metrics.js';
import { attachProgress, truncateName } from '../../src/ui/progress.js';
import { JobSummary } from '../../src/ui/summary.js';

const metrics = (m: Partial<ReturnType<typeof zeroMetrics>>) => ({ ...zeroMetrics(), ...m });

/** A job of two stages where stage 1's first attempt of partition 0 fails once, then a job that skips stage 1. */
function events(): SluiceEvent[] {
  const t = 1000;
  const task = (stageId: number, taskId: number, partition: number, ok: boolean, time: number, m = metrics({})): SluiceEvent[] => [
    { type: 'taskStart', time: time - 5, jobId: 0, stageId, taskId, partition, attempt: 0, worker: 'w1' },
    ok
      ? { type: 'taskEnd', time, jobId: 0, stageId, taskId, partition, attempt: 0, worker: 'w1', ok, metrics: m }
      : { type: 'taskEnd', time, jobId: 0, stageId, taskId, partition, attempt: 0, worker: 'w1', ok, error: { operator: 'map', stageId, partition, attempt: 0, errorName: 'Error', message: 'x', stack: '' } },
  ];
  return [
    { type: 'jobStart', time: t, jobId: 0, description: 'collect', stages: [{ stageId: 0, name: 'reduce', numTasks: 2 }, { stageId: 1, name: 'range → map → (shuffle write)', numTasks: 2 }] },
    { type: 'stageSubmitted', time: t, jobId: 0, stageId: 1, name: 'range → map → (shuffle write)', numTasks: 2, attempt: 0 },
    ...task(1, 0, 0, false, t + 10),
    ...task(1, 1, 0, true, t + 20, metrics({ recordsRead: 50, shuffleWriteBytes: 2048, spilledBytes: 4096 })),
    ...task(1, 2, 1, true, t + 30, metrics({ recordsRead: 50, shuffleWriteBytes: 2048 })),
    { type: 'stageCompleted', time: t + 30, jobId: 0, stageId: 1, name: 'range → map → (shuffle write)', metrics: metrics({ recordsRead: 100, shuffleWriteBytes: 4096, spilledBytes: 4096 }) },
    { type: 'stageSubmitted', time: t + 30, jobId: 0, stageId: 0, name: 'reduce', numTasks: 2, attempt: 0 },
    ...task(0, 3, 0, true, t + 40, metrics({ recordsRead: 3, shuffleReadBytes: 4096 })),
    ...task(0, 4, 1, true, t + 45, metrics({ recordsRead: 2 })),
    { type: 'stageCompleted', time: t + 45, jobId: 0, stageId: 0, name: 'reduce', metrics: metrics({ recordsRead: 5, shuffleReadBytes: 4096 }) },
    { type: 'jobEnd', time: t + 50, jobId: 0, ok: true },
    { type: 'jobStart', time: t + 60, jobId: 1, description: 'count', stages: [{ stageId: 2, name: 'reduce', numTasks: 2 }, { stageId: 3, name: 'range → map → (shuffle write)', numTasks: 2, skipped: true }] },
    { type: 'jobEnd', time: t + 100, jobId: 1, ok: false, error: 'cancelled' },
  ];
}

test('JobSummary sums metrics per stage and counts failures, skipped and unstarted stages', () => {
  const bus = new EventBus();
  const summary = new JobSummary();
  const off = summary.attach(bus);
  for (const e of events()) bus.emit(e);
  off();
  const s1 = summary.stages.get('0:1')!;
  assert.equal(s1.attempts, 3);
  assert.equal(s1.failures, 1);
  assert.equal(s1.records, 100);
  assert.equal(s1.shuffleWriteBytes, 4096);
  assert.equal(s1.endTime! - s1.startTime!, 30);
  assert.deepEqual(summary.totals(), {
    jobs: 2, failedJobs: 1, stagesRun: 2, stagesSkipped: 1, stagesNotStarted: 1, tasks: 5, failures: 1,
    records: 105, shuffleReadBytes: 4096, shuffleWriteBytes: 4096, spilledBytes: 4096, wallMs: 100,
  });
  const text = summary.format();
  assert.match(text, /2 jobs \(1 failed\), 2 stages run, 1 skipped, 1 not started, 5 task attempts \(1 failed\)/);
  assert.match(text, /range → map → \(shuffle write\)/);
  assert.match(text, /4\.0 KiB/);
  assert.match(text, /skipped \(shuffle output reused\): stage 3/);
  assert.match(text, /total 100 ms/);
  assert.match(summary.format({ wallMs: 2500 }), /total 2\.50 s/);
});

test('JobSummary elides the middle rows past maxRows', () => {
  const bus = new EventBus();
  const summary = new JobSummary();
  summary.attach(bus);
  for (let j = 0; j < 10; j++) {
    bus.emit({ type: 'jobStart', time: j, jobId: j, description: '', stages: [{ stageId: j, name: `s${j}`, numTasks: 1 }] });
    bus.emit({ type: 'stageSubmitted', time: j, jobId: j, stageId: j, name: `s${j}`, numTasks: 1, attempt: 0 });
    bus.emit({ type: 'stageCompleted', time: j, jobId: j, stageId: j, name: `s${j}`, metrics: zeroMetrics() });
    bus.emit({ type: 'jobEnd', time: j, jobId: j, ok: true });
  }
  const text = summary.format({ maxRows: 4 });
  assert.match(text, /… 6 more stages/);
  assert.match(text, /s0$/m);
  assert.match(text, /s9$/m);
  assert.doesNotMatch(text, /s5$/m);
});

test('JobSummary on a real session: a rerun reports its map stage as skipped', async () => {
  const s = await Session.local({ master: 'inline' });
  const summary = new JobSummary();
  summary.attach(s);
  try {
    const counts = s.range(0, 1000, 1, 4).map((x) => [x % 10, 1] as [number, number]).reduceByKey((a, b) => a + b);
    assert.equal((await counts.collect()).length, 10);
    assert.equal(await counts.count(), 10);
  } finally {
    await s.stop();
  }
  const t = summary.totals();
  assert.equal(t.jobs, 2);
  assert.equal(t.stagesRun, 3);
  assert.equal(t.stagesSkipped, 1);
  assert.ok(t.shuffleWriteBytes > 0 && t.shuffleReadBytes === 2 * t.shuffleWriteBytes);
  assert.match(summary.format(), /skipped \(shuffle output reused\): stage \d+ \[range → map → \(shuffle write\)\]/);
});

test('attachProgress without a TTY prints one line per completed stage', () => {
  const bus = new EventBus();
  let out = '';
  const stream = new Writable({ write: (chunk, _enc, cb) => ((out += String(chunk)), cb()) }) as unknown as NodeJS.WriteStream;
  const progress = attachProgress(bus, { stream, tty: false });
  for (const e of events()) bus.emit(e);
  progress.stop();
  const lines = out.trim().split('\n');
  assert.equal(lines.length, 2);
  assert.match(lines[0]!, /^stage 1 \(job 0\) range → map → \(shuffle write\): 2\/2 tasks · 100 records/);
  assert.match(lines[0]!, /1 failed attempts/);
  assert.match(lines[1]!, /^stage 0 \(job 0\) reduce: 2\/2 tasks/);
});

test('truncateName keeps both ends of long stage names', () => {
  assert.equal(truncateName('abc', 5), 'abc  ');
  const t = truncateName('textFile → flatMap → map → filter → (shuffle write)', 20);
  assert.equal(t.length, 20);
  assert.ok(t.startsWith('textFile') && t.endsWith('write)') && t.includes('…'));
});
