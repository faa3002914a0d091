import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WorkerBlocks } from '../../../src/backend/cluster/worker-blocks.js';
import type { NewBlock } from '../../../src/backend/cluster/thread-messages.js';

test('held bytes follow blocks as task threads add, replace and the driver drops them (vs a sum over what is live)', () => {
  const blocks = new WorkerBlocks(() => 'w1', '/nonexistent', { secret: 'x', landingBytes: 1 << 20 });
  try {
    const live = new Map<string, NewBlock>();
    let seed = 11;
    const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
    for (let step = 0; step < 2000; step++) {
      if (rand(3) > 0) {
        // A new block, or one stored again under the same id (a retried task's output).
        const b: NewBlock = { blockId: `b${rand(200)}`, bytes: 1 + rand(5000), source: rand(2) ? { kind: 'memory', buffer: new SharedArrayBuffer(1) } : { kind: 'file', path: '/x' } };
        blocks.add([b], rand(2));
        live.set(b.blockId, b);
      } else {
        const ids = Array.from({ length: 1 + rand(5) }, () => `b${rand(200)}`);
        const dropped = [...blocks.drop(ids).values()].flat();
        assert.deepEqual(new Set(dropped), new Set(ids.filter((id) => live.has(id))));
        for (const id of ids) live.delete(id);
      }
      const want = { blocks: live.size, memory: 0, disk: 0 };
      for (const b of live.values()) want[b.source.kind === 'memory' ? 'memory' : 'disk'] += b.bytes;
      assert.deepEqual(blocks.held(), want, `step ${step}`);
    }
  } finally {
    blocks.close();
  }
});
