import assert from 'node:assert/strict';
import { test } from 'node:test';
import { BlockRegistry } from '../../src/driver/block-registry.js';
import type { BlockRef } from '../../src/exec/block-ref.js';

let nextBlock = 0;

/** A map output of worker-1 over `n` reduce partitions holding data for `parts` (10 bytes each, `rows` per part when given). */
function output(n: number, parts: number[], rows?: number[]): BlockRef {
  const offsets = [...parts.map((_, i) => i * 10), parts.length * 10];
  return { blockId: `b${nextBlock++}`, worker: 'worker-1', bytes: parts.length * 10, numPartitions: n, parts, offsets, ...(rows ? { rows } : {}) };
}

test('a reduce partition\'s slice lists only the map outputs holding data for it, in map order', () => {
  const reg = new BlockRegistry();
  const n = 1000;
  // Map m writes to reducers m and (m * 7) % n: 2 pieces per map, so 2n pieces over all slices, not n^2.
  for (let m = n - 1; m >= 0; m--) reg.putMapOutput(1, m, output(n, [...new Set([m, (m * 7) % n])].sort((a, b) => a - b)));
  let pieces = 0;
  for (let r = 0; r < n; r++) {
    const slice = reg.shuffleSlice(1, n, r);
    assert.equal(slice.missing, undefined);
    const maps = slice.pieces.map((p) => p.map);
    assert.deepEqual(maps, [...maps].sort((a, b) => a - b));
    for (const m of maps) assert.ok(m === r || (m * 7) % n === r);
    pieces += maps.length;
  }
  let expected = 0;
  for (let m = 0; m < n; m++) expected += m === (m * 7) % n ? 1 : 2;
  assert.equal(pieces, expected);
});

test('a slice names a missing map output; replacing and dropping outputs keeps the index right', () => {
  const freed: BlockRef[] = [];
  const reg = new BlockRegistry((ref) => freed.push(ref));
  const first = output(4, [0, 2], [3, 4]);
  reg.putMapOutput(7, 0, first);
  reg.putMapOutput(7, 2, output(4, [2], [5]));
  assert.deepEqual(reg.shuffleSlice(7, 3, 2), { pieces: [], missing: 1 });
  reg.putMapOutput(7, 1, output(4, [1, 2], [1, 1]));
  const slice = reg.shuffleSlice(7, 3, 2);
  assert.deepEqual(slice.pieces.map((p) => [p.map, p.start, p.end, p.rows]), [[0, 10, 20, 4], [1, 10, 20, 1], [2, 0, 10, 5]]);
  assert.equal(slice.rows, 10);
  // A recomputed output replaces the old one (freed) and its index entries.
  reg.putMapOutput(7, 0, output(4, [3], [9]));
  assert.deepEqual(freed, [first]);
  assert.deepEqual(reg.shuffleSlice(7, 3, 0).pieces, []);
  assert.deepEqual(reg.shuffleSlice(7, 3, 2).pieces.map((p) => p.map), [1, 2]);
  assert.equal(reg.shuffleSlice(7, 3, 3).rows, 9);
  reg.dropMapOutput(7, 2);
  assert.equal(reg.shuffleSlice(7, 3, 1).missing, 2);
  // An output that did not count its rows: slices have no row count.
  reg.putMapOutput(7, 2, output(4, [2]));
  assert.equal(reg.shuffleSlice(7, 3, 2).rows, undefined);
  reg.dropShuffle(7);
  assert.equal(reg.shuffleSlice(7, 3, 2).missing, 0);
});
