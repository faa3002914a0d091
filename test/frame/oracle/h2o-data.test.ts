/** The h2o generators follow the db-benchmark spec: ranges, cardinalities, key overlap, determinism. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { h2oGroupBy, h2oJoin, rowCount, type Column } from './h2o-data.js';

const distinct = (c: Column): number => new Set(c as ArrayLike<unknown> as unknown[]).size;
const range = (c: Int32Array | Float64Array): [number, number] => [Math.min(...c), Math.max(...c)];

test('groupby table: columns, value ranges and cardinalities (N=20 000, K=100)', () => {
  const g = h2oGroupBy(20_000);
  assert.deepEqual(Object.keys(g), ['id1', 'id2', 'id3', 'id4', 'id5', 'id6', 'v1', 'v2', 'v3']);
  assert.equal(rowCount(g), 20_000);
  assert.match((g.id1 as string[])[0], /^id\d{3}$/);
  assert.match((g.id3 as string[])[0], /^id\d{10}$/);
  assert.equal(distinct(g.id1), 100);
  assert.equal(distinct(g.id4), 100);
  assert.ok(distinct(g.id6) > 190 && distinct(g.id6) <= 200, `id6 has ${distinct(g.id6)} values`);
  assert.deepEqual(range(g.id5 as Int32Array), [1, 100]);
  assert.deepEqual(range(g.v1 as Int32Array), [1, 5]);
  const [lo, hi] = range(g.v3 as Float64Array);
  assert.ok(lo >= 0 && hi <= 100);
  for (const v of (g.v3 as Float64Array).subarray(0, 1000)) assert.equal(Math.round(v * 1e4) / 1e4, v);
});

test('generators are deterministic for a seed and differ across seeds', () => {
  assert.deepEqual(h2oGroupBy(500, { seed: 7 }), h2oGroupBy(500, { seed: 7 }));
  assert.notDeepEqual(h2oGroupBy(500, { seed: 7 }).v3, h2oGroupBy(500, { seed: 8 }).v3);
  assert.deepEqual(h2oJoin(100, { seed: 3 }), h2oJoin(100, { seed: 3 }));
});

test('join tables: sizes, unique RHS keys, ~90% of x keys found in each RHS, labels match ids', () => {
  const n = 20_000;
  const { x, small, medium, big } = h2oJoin(n);
  assert.deepEqual([rowCount(x), rowCount(small), rowCount(medium), rowCount(big)], [n, 10, 20, n]);
  assert.deepEqual(Object.keys(medium), ['id1', 'id2', 'id4', 'id5', 'v2']);
  assert.equal(distinct(small.id1), 10);
  assert.equal(distinct(medium.id2), 20);
  assert.equal(distinct(big.id3), n);
  assert.equal(distinct(x.id3), n);
  const share = (xs: Column, ys: Column): number => {
    const s = new Set(ys as ArrayLike<unknown> as unknown[]);
    let hit = 0;
    for (let i = 0; i < xs.length; i++) if (s.has(xs[i])) hit++;
    return hit / xs.length;
  };
  assert.ok(Math.abs(share(x.id3, big.id3) - 0.9) < 1e-9);
  assert.ok(Math.abs(share(x.id2, medium.id2) - 0.9) < 0.03);
  assert.ok(Math.abs(share(x.id1, small.id1) - 0.9) < 0.03);
  for (let i = 0; i < 100; i++) assert.equal((x.id6 as string[])[i], 'id' + (x.id3 as Int32Array)[i]);
  assert.deepEqual(range(x.v1 as Float64Array).map((v) => v >= 0 && v <= 100), [true, true]);
});
