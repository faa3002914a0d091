import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferRecycler } from '../../src/api/buffer-recycler.js';
import type { BlockRef } from '../../src/exec/block-store.js';

const block = (bytes: number): BlockRef => ({ kind: 'memory', buffer: new SharedArrayBuffer(bytes), offsets: [0, bytes], bytes });

test('a buffer freed while tasks run is reused only after a moment with no task running', () => {
  const r = new BufferRecycler(1 << 20);
  const busy = block(100);
  r.retire(busy, true);
  assert.deepEqual(r.take(1 << 20), []);
  const idle = block(200);
  r.retire(idle, false);
  assert.deepEqual(r.take(1 << 20), [idle.kind === 'memory' && idle.buffer]);
  r.drained();
  assert.deepEqual(r.take(1 << 20), [busy.kind === 'memory' && busy.buffer]);
  assert.equal(r.bytes, 0);
});

test('the recycler keeps at most its cap, ignores file blocks, and hands out at most maxBytes (but at least one buffer)', () => {
  const r = new BufferRecycler(1000);
  for (let i = 0; i < 5; i++) r.retire(block(300), false);
  r.retire({ kind: 'file', path: '/nowhere', offsets: [0, 10], bytes: 10 }, false);
  assert.equal(r.bytes, 900);
  assert.equal(r.take(650).length, 2);
  assert.equal(r.take(10).length, 1);
  assert.equal(r.bytes, 0);
});
