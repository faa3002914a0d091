/**
 * A worker thread that dies and cannot be started again (threads cannot be
 * created: injected through the backend's test hook) on local[2]: its start is
 * tried again after a growing pause; while no worker is left or coming back,
 * running and following jobs fail with a clear error instead of hanging. A
 * start that fails only a few times is recovered from.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { importModule, Session, SluiceError, type SluiceEvent } from '../../src/index.js';
import { threadFaults } from '../../src/backend/threads-backend.js';
import { within } from './within.js';

const tmp = mkdtempSync(join(tmpdir(), 'sluice-restart-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
const fs = () => importModule<typeof import('node:fs')>('node:fs');
const NUMS = Array.from({ length: 40 }, (_, i) => i);

test('local[2]: when no worker thread can be restarted, the running job and the next ones fail with a clear error', async () => {
  const s = await Session.local({ master: 'local[2]' });
  const warnings: string[] = [];
  const onWarning = (w: Error): void => void warnings.push(w.message);
  process.on('warning', onWarning);
  try {
    threadFaults.failStarts = Number.POSITIVE_INFINITY;
    // Every task ends its thread: both workers die, and neither can start again.
    const job = s.parallelize(NUMS, 4).map((x) => (process.exit(1), x)).collect();
    const error = await within(60_000, job, 'the job whose workers are all gone').then(
      () => undefined,
      (e: unknown) => e,
    );
    assert.ok(error instanceof SluiceError, String(error));
    assert.match(error.message, /^no worker thread is left: worker-\d died \(worker thread exited with code 1\) and could not be restarted after 4 attempt\(s\): injected fault: the worker thread could not start$/);
    // Following jobs fail at once with the same error.
    await assert.rejects(within(10_000, s.range(10).count(), 'a job after'), (e: unknown) => e instanceof SluiceError && /no worker thread is left/.test(e.message));
    await new Promise((r) => setImmediate(r)); // warnings are emitted on the next tick
    assert.equal(warnings.filter((w) => /could not be restarted after 4 attempt/.test(w)).length, 2, warnings.join('\n'));
  } finally {
    threadFaults.failStarts = 0;
    process.off('warning', onWarning);
    await within(30_000, s.stop(), 'stop()');
  }
});

test('local[2]: a worker thread whose restart fails twice is started on the third try and runs tasks again', async () => {
  const s = await Session.local({ master: 'local[2]' });
  const events: SluiceEvent[] = [];
  s.on((e) => void events.push(e));
  const marker = join(tmp, 'died-once');
  try {
    threadFaults.failStarts = 2;
    const r = await within(
      60_000,
      s.parallelize(NUMS, 4).map(
        (x, env) => {
          if (x === 0 && !env.fs.existsSync(env.marker)) {
            env.fs.writeFileSync(env.marker, '1');
            process.exit(1);
          }
          return x + 1;
        },
        { fs: fs(), marker },
      ).collect(),
      'the job that loses a worker',
    );
    assert.deepEqual(r, NUMS.map((x) => x + 1));
    assert.ok(existsSync(marker));
    // Both workers run tasks again once the replacement has started (after two failed starts).
    const workers = new Set<string>();
    for (let round = 0; round < 200 && workers.size < 2; round++) {
      const from = events.length;
      assert.equal(await within(30_000, s.range(0, 100, 1, 8).count(), 'a job after the restart'), 100);
      for (const e of events.slice(from)) if (e.type === 'taskEnd' && e.ok) workers.add(e.worker);
      if (workers.size < 2) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(workers.size, 2);
    assert.equal(threadFaults.failStarts, 0, 'both injected start failures were met');
  } finally {
    threadFaults.failStarts = 0;
    await within(30_000, s.stop(), 'stop()');
  }
});
