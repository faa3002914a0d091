import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HeldTally, noneHeld, type HeldBytes } from '../../src/exec/block-ref.js';
import { seededRandom } from '../../src/util/random.js';

test('HeldTally keeps the totals a recount of the live blocks gives, as blocks come and go in random order', () => {
  const rand = seededRandom(11);
  const tally = new HeldTally();
  const live = new Map<number, { source: { kind: string }; bytes: number }>();
  const recount = (): HeldBytes => {
    const h = noneHeld();
    for (const b of live.values()) {
      h.blocks++;
      if (b.source.kind === 'memory') h.memory += b.bytes;
      else h.disk += b.bytes;
    }
    return h;
  };
  for (let i = 0; i < 2000; i++) {
    if (live.size > 0 && rand() < 0.45) {
      const ids = [...live.keys()];
      const id = ids[Math.floor(rand() * ids.length)]!;
      tally.remove(live.get(id)!);
      live.delete(id);
    } else {
      const b = { source: { kind: rand() < 0.7 ? 'memory' : 'file' }, bytes: Math.floor(rand() * 10_000) };
      live.set(i, b);
      tally.add(b);
    }
    assert.deepEqual(tally.get(), recount());
  }
  const snapshot = tally.get();
  snapshot.blocks = -1;
  assert.notEqual(tally.get().blocks, -1, 'get() is a copy');
});
