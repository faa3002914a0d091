import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Session } from '../../src/api/session.js';
import type { SluiceEvent } from '../../src/scheduler/bus.js';
import { attachEventLog } from '../../src/ui/event-log.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-eventlog-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));

const read = (p: string): SluiceEvent[] => fs.readFileSync(p, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as SluiceEvent);

test('writes every event as one JSON line and appends across sessions', async () => {
  const file = path.join(tmp, 'events.jsonl');
  for (const master of ['inline', 'local[2]']) {
    const s = await Session.local({ master });
    const log = attachEventLog(s, file);
    try {
      await s.range(0, 100, 1, 3).map((x) => [x % 4, x] as [number, number]).reduceByKey((a, b) => a + b).collect();
    } finally {
      await log.close();
      await s.stop();
    }
  }
  const events = read(file);
  const count = (type: string) => events.filter((e) => e.type === type).length;
  assert.equal(count('jobStart'), 2);
  assert.equal(count('jobEnd'), 2);
  assert.equal(count('stageCompleted'), 4);
  assert.equal(count('taskEnd'), 12); // 2 stages × 3 partitions × 2 sessions
  const end = events.find((e) => e.type === 'taskEnd' && e.ok);
  assert.ok(end && end.type === 'taskEnd' && typeof end.metrics?.recordsRead === 'number');
  assert.deepEqual(events[0], { ...events[0], type: 'jobStart', jobId: 0 });
});

test('a failing job is logged with the error; events after close are not written', async () => {
  const file = path.join(tmp, 'fail.jsonl');
  const s = await Session.local({ master: 'inline', maxTaskFailures: 1 });
  const log = attachEventLog(s, file);
  try {
    await assert.rejects(s.range(0, 10, 1, 2).map((x) => { if (x === 3) throw new Error('bad record'); return x; }).collect());
    await log.close();
    await log.close(); // idempotent
    await s.range(0, 10).count();
  } finally {
    await s.stop();
  }
  const events = read(file);
  const failed = events.find((e) => e.type === 'taskEnd' && !e.ok);
  assert.ok(failed && failed.type === 'taskEnd' && failed.error?.message === 'bad record' && failed.error.operator === 'map');
  assert.deepEqual(events.filter((e) => e.type === 'jobEnd').map((e) => e.type === 'jobEnd' && e.ok), [false]);
});

test('close() rejects when the log cannot be written', async () => {
  const s = await Session.local({ master: 'inline' });
  const log = attachEventLog(s, path.join(tmp, 'no-such-dir', 'x.jsonl'));
  try {
    assert.equal(await s.range(0, 10).count(), 10); // the job is not affected
    await assert.rejects(log.close(), /ENOENT/);
  } finally {
    await s.stop();
  }
});
