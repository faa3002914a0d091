import assert from 'node:assert/strict';
import { test } from 'node:test';
import { HyperLogLog } from '../../../../src/exec/frame/aggregates/hyperloglog.js';
import { TDigest } from '../../../../src/exec/frame/aggregates/t-digest.js';
import { hashNumber } from '../../../../src/frame/batch/hash.js';
import { quantile } from '../agg-reference.js';

/** A deterministic pseudo-random stream (xorshift32) in [0, 1). */
function rng(seed: number): () => number {
  let s = seed;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

test('t-digest is exact for a few values and within 1% rank error for many, also when merged', () => {
  const small = new TDigest();
  [5, 1, 4, 2].forEach((x) => small.add(x));
  assert.equal(small.quantile(0.5), quantile([5, 1, 4, 2], 0.5));
  assert.equal(small.quantile(0.3), quantile([5, 1, 4, 2], 0.3));
  assert.equal(new TDigest().quantile(0.5), null);

  const r = rng(7);
  const values = Array.from({ length: 50000 }, () => r() ** 3 * 1000);
  const parts = [new TDigest(), new TDigest(), new TDigest()];
  values.forEach((x, i) => parts[i % 3]!.add(x));
  const merged = new TDigest();
  for (const p of parts) merged.addCentroids(p.toFlat());
  const sorted = [...values].sort((a, b) => a - b);
  for (const q of [0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99]) {
    const est = merged.quantile(q)!;
    const rank = sorted.findIndex((x) => x >= est) / sorted.length;
    assert.ok(Math.abs(rank - q) < 0.01, `q=${q}: estimate ${est} has rank ${rank}`);
  }
  assert.ok(merged.means.length < 200, `${merged.means.length} centroids`);
});

test('HyperLogLog is exact while sparse and within 5% once dense, also when merged', () => {
  const small = new HyperLogLog();
  for (let i = 0; i < 300; i++) small.add(hashNumber(i % 100));
  assert.equal(small.estimate(), 100);
  for (const n of [2000, 30000, 200000]) {
    const a = new HyperLogLog();
    const b = new HyperLogLog();
    for (let i = 0; i < n; i++) (i % 2 ? a : b).add(hashNumber(i * 3 + 0.5));
    a.addFlat(b.toFlat());
    const est = a.estimate();
    assert.ok(Math.abs(est - n) / n < 0.05, `n=${n}: estimate ${est}`);
  }
});
