/**
 * Locality end to end: tasks reading a cached partition run on the worker that holds it,
 * waiting for it when it is busy (a locality wait long enough never to expire here), on
 * threads and on processes. Worker ids come from the event log.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Session, type SluiceEvent } from '../../src/index.js';

for (const master of ['local[2]', 'processes[2]']) {
  describe(`${master}: locality`, () => {
    let s: Session;
    const events: SluiceEvent[] = [];
    before(async () => {
      s = await Session.local({ master, localityWait: 600_000 });
      s.on((e) => void events.push(e));
    });
    after(() => s.stop());

    test('every task reading a cached partition runs on the worker holding it', async () => {
      const cached = s.parallelize(Array.from({ length: 800 }, (_, i) => i), 8).map((x) => x * 3).cache();
      const from = events.length;
      assert.equal(await cached.count(), 800);
      const holder = new Map<number, string>();
      for (const e of events.slice(from)) if (e.type === 'taskEnd' && e.ok) holder.set(e.partition, e.worker);
      assert.equal(holder.size, 8);
      assert.ok(new Set(holder.values()).size === 2, `both workers cached partitions: ${JSON.stringify([...holder])}`);
      for (let round = 0; round < 3; round++) {
        const at = events.length;
        const sum = await cached.map((x) => x + 1).reduce((a, b) => a + b);
        assert.equal(sum, 3 * ((799 * 800) / 2) + 800);
        const ran = events.slice(at).filter((e): e is Extract<SluiceEvent, { type: 'taskStart' }> => e.type === 'taskStart');
        assert.equal(ran.length, 8);
        for (const t of ran) assert.equal(t.worker, holder.get(t.partition), `round ${round}, partition ${t.partition}`);
      }
    });
  });
}
