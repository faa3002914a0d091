/** Workers report what their block stores hold; the driver keeps the latest figure per worker and reports it on the bus. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Session } from '../../src/index.js';
import type { SluiceEvent, WorkerView } from '../../src/scheduler/bus.js';
import { BACKENDS } from '../conformance/backends.js';
import { within } from '../failure/within.js';

type Status = Extract<SluiceEvent, { type: 'workerStatus' }>;

/** The next workerStatus event (after now) that satisfies `ok`. */
function nextStatus(s: Session, ok: (workers: WorkerView[]) => boolean, what: string): Promise<Status> {
  let off = (): void => {};
  const found = new Promise<Status>((resolve) => {
    off = s.on((e) => {
      if (e.type === 'workerStatus' && ok(e.workers)) resolve(e);
    });
  });
  return within(20_000, found, what).finally(() => off());
}

const sum = (ws: WorkerView[], f: (w: WorkerView) => number): number => ws.reduce((a, w) => a + f(w), 0);

for (const master of BACKENDS) {
  test(`${master}: the per-worker figure grows with a cached dataset and drops after unpersist`, async () => {
    const s = await Session.local({ master });
    try {
      const parts = 4;
      const ds = s.range(0, 40_000, 1, parts).map((x) => x * 3).cache();
      const filled = nextStatus(s, (ws) => sum(ws, (w) => w.blocks) === parts, 'a status with the cached partitions');
      assert.equal(await ds.count(), 40_000);
      const full = await filled;
      // Every cached partition is a block held by some worker, and they hold bytes for it.
      assert.ok(sum(full.workers, (w) => w.memoryHeld + w.diskHeld) > 40_000, JSON.stringify(full.workers));
      for (const w of full.workers) {
        assert.ok(w.cores >= 1 && w.memory > 0 && w.host.length > 0, JSON.stringify(w));
        assert.equal(w.blocks === 0, w.memoryHeld + w.diskHeld === 0, `blocks and bytes agree: ${JSON.stringify(w)}`);
      }
      const emptied = nextStatus(s, (ws) => sum(ws, (w) => w.blocks + w.memoryHeld + w.diskHeld) === 0, 'a status after unpersist');
      ds.unpersist();
      const empty = await emptied;
      assert.equal(empty.workers.length, full.workers.length);
    } finally {
      await s.stop();
    }
  });
}
