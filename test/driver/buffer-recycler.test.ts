import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BufferRecycler } from '../../src/driver/buffer-recycler.js';
import { MIN_REUSE_BYTES, reuseCap, type BlockRef } from '../../src/exec/block-store.js';

/** Sizes in units of the smallest buffer worth reusing. */
const U = MIN_REUSE_BYTES;
const block = (bytes: number): BlockRef => ({ kind: 'memory', buffer: new SharedArrayBuffer(bytes), numPartitions: 1, parts: [0], offsets: [0, bytes], bytes });

test('a buffer freed while tasks run is reused only after a moment with no task running', () => {
  const r = new BufferRecycler(1 << 20);
  const busy = block(U);
  r.retire(busy, true);
  assert.deepEqual(r.take(1 << 20), []);
  const idle = block(2 * U);
  r.retire(idle, false);
  assert.deepEqual(r.take(1 << 20), [idle.kind === 'memory' && idle.buffer]);
  r.drained();
  assert.deepEqual(r.take(1 << 20), [busy.kind === 'memory' && busy.buffer]);
  assert.equal(r.bytes, 0);
});

test('the recycler keeps at most its cap, ignores file blocks, and hands out at most maxBytes (but at least one buffer)', () => {
  const r = new BufferRecycler(10 * U);
  for (let i = 0; i < 5; i++) r.retire(block(3 * U), false);
  r.retire({ kind: 'file', path: '/nowhere', numPartitions: 1, parts: [0], offsets: [0, 10], bytes: 10 }, false);
  assert.equal(r.bytes, 9 * U);
  assert.equal(r.take(6.5 * U).length, 2);
  assert.equal(r.take(10).length, 1);
  assert.equal(r.bytes, 0);
  // Small buffers are not worth their place in task payloads: thousands of tiny map outputs freed at once.
  for (let i = 0; i < 1000; i++) r.retire(block(U - 1), false);
  assert.equal(r.bytes, 0);
});

test('a lower cap drops the oldest buffers; the caps follow the budget (a quarter, at most 1 GiB)', () => {
  const r = new BufferRecycler(10 * U);
  const blocks = [block(3 * U), block(3 * U), block(3 * U)];
  r.retire(blocks[0]!, false);
  r.retire(blocks[1]!, true);
  r.retire(blocks[2]!, false);
  r.setCap(4 * U);
  assert.equal(r.bytes, 3 * U);
  r.drained();
  assert.deepEqual(r.take(1 << 20), [blocks[1]!.kind === 'memory' && blocks[1]!.buffer]);
  r.retire(block(5 * U), false);
  assert.equal(r.bytes, 0, 'a buffer over the cap is not kept');
  assert.equal(reuseCap(64 * 1024), 16 * 1024);
  assert.equal(reuseCap(2 * 1024 ** 3), 512 * 1024 ** 2);
  assert.equal(reuseCap(Number.MAX_SAFE_INTEGER), 1 << 30);
});
