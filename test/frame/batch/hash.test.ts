import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NULL_HASH, hashNumber, hashRows, hashString, partitionOfHash } from '../../../src/frame/batch/hash.js';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { takeVector } from '../../../src/frame/batch/batch.js';

test('equal numbers hash equal across int32, int64 and float64 vectors', () => {
  const nums = [0, 5, -1, 2147483647, -2147483648];
  const h32 = hashRows([vectorFromValues('int32', nums)], nums.length);
  const h64 = hashRows([vectorFromValues('int64', nums)], nums.length);
  const hf = hashRows([vectorFromValues('float64', nums.map((x) => x * 1.0))], nums.length);
  assert.deepEqual(h64, h32);
  assert.deepEqual(hf, h32);
  const big = [2 ** 40, -(2 ** 50), 1e15];
  assert.deepEqual(hashRows([vectorFromValues('int64', big)], 3), hashRows([vectorFromValues('float64', big)], 3));
});

test('-0 hashes as 0, every NaN alike, and distinct values mostly differ', () => {
  assert.equal(hashNumber(-0), hashNumber(0));
  assert.equal(hashNumber(NaN), hashNumber(Number('x')));
  const seen = new Set<number>();
  for (let k = 0; k < 1000; k++) seen.add(hashNumber(k)).add(hashNumber(k + 0.5));
  assert.equal(seen.size, 2000);
});

test('strings hash by content whatever the dictionary', () => {
  const a = vectorFromValues('string', ['x', 'y', 'z']);
  const b = vectorFromValues('string', ['z', 'q', 'x', 'y']);
  const ha = hashRows([a], 3);
  const hb = hashRows([b], 4);
  assert.equal(ha[0], hb[2]);
  assert.equal(ha[1], hb[3]);
  assert.equal(ha[2], hb[0]);
  assert.notEqual(hashString('ab'), hashString('ba'));
});

test('null rows hash to one constant; keys combine in order', () => {
  const v = takeVector(vectorFromValues('int32', [7]), Int32Array.from([-1, 0]));
  const s = takeVector(vectorFromValues('string', ['7']), Int32Array.from([-1, 0]));
  const hv = hashRows([v], 2);
  assert.equal(hv[0], hashRows([s], 2)[0]);
  assert.notEqual(hv[0], hv[1]);
  assert.notEqual(hashRows([v], 2)[1], NULL_HASH);
  const x = vectorFromValues('int32', [1, 2]);
  const y = vectorFromValues('int32', [2, 1]);
  const xy = hashRows([x, y], 2);
  assert.notEqual(xy[0], xy[1]);
  assert.equal(hashRows([x, y], 2)[0], hashRows([vectorFromValues('float64', [1]), vectorFromValues('int64', [2])], 1)[0]);
});

test('hashes are deterministic constants (same in every process) and spread over partitions', () => {
  // 0x514e28b7 is MurmurHash3's fmix32(1). The other values are pinned: processes (and versions) that
  // disagree on them would route the same key to different shuffle partitions.
  assert.equal(hashNumber(1) >>> 0, 0x514e28b7);
  assert.equal(hashString('sluice'), 1809973514);
  assert.equal(hashNumber(0.5), 722473890);
  const keys = [vectorFromValues('int32', [0, 1, 42]), vectorFromValues('string', ['a', 'b', 'c'])];
  assert.deepEqual(Array.from(hashRows(keys, 3)), [-1539388274, -837974235, -1735850550]);
  for (const n of [8, 7, 200]) {
    const counts = new Array<number>(n).fill(0);
    for (const h of hashRows([vectorFromValues('int32', Array.from({ length: 1000 * n }, (_, k) => k))], 1000 * n)) counts[partitionOfHash(h, n)]!++;
    for (const c of counts) assert.ok(c > 800 && c < 1200, `partition sizes ${counts}`);
  }
  assert.deepEqual([0, 2 ** 31, -1, 0x7fffffff].map((h) => partitionOfHash(h, 8)), [0, 4, 7, 3]);
});
