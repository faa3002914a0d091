/**
 * Deep lineage: 10,000 chained narrow operators run on every backend (plan
 * cutting, the pipeline posted to threads, operator fusion and printing all
 * work without deep recursion), with answers checked against a plain loop, and
 * the session runs the next job. Operators that are not fused (mapPartitions,
 * mapPartitionsWithIndex, sample, coalesce) run 10,000 deep too: the task
 * computes such a chain in pieces (exec/deep-lineage).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { seededRandom } from '../../src/util/random.js';
import type { Dataset } from '../../src/index.js';
import { forEachBackend } from '../conformance/backends.js';
import { within } from './within.js';

const DEPTH = 10_000;

type Op = { kind: 'map'; k: number } | { kind: 'filter'; m: number } | { kind: 'flatMap' };

function randomOps(seed: number): Op[] {
  const rand = seededRandom(seed);
  return Array.from({ length: DEPTH }, (): Op => {
    const r = rand();
    if (r < 0.6) return { kind: 'map', k: Math.floor(rand() * 7) - 3 };
    if (r < 0.8) return { kind: 'filter', m: 50 + Math.floor(rand() * 50) };
    return { kind: 'flatMap' };
  });
}

function applyOps(ds: Dataset<number>, ops: Op[]): Dataset<number> {
  for (const op of ops) {
    if (op.kind === 'map') ds = ds.map((x, env) => x + env.k, { k: op.k });
    else if (op.kind === 'filter') ds = ds.filter((x, env) => x % env.m !== 1, { m: op.m });
    else ds = ds.flatMap((x) => [x]);
  }
  return ds;
}

function reference(input: number[], ops: Op[]): number[] {
  let xs = input;
  for (const op of ops) {
    if (op.kind === 'map') xs = xs.map((x) => x + op.k);
    else if (op.kind === 'filter') xs = xs.filter((x) => x % op.m !== 1);
  }
  return xs;
}

forEachBackend((name, s) => {
  test(`${name}: ${DEPTH} chained narrow operators run, before and after a shuffle and a cache`, async () => {
    const input = Array.from({ length: 300 }, (_, i) => i * 3);
    const ops = randomOps(7);
    const deep = applyOps(s().parallelize(input, 3), ops);
    const want = reference(input, ops);
    assert.deepEqual(await within(120_000, deep.collect(), 'a deep collect'), want);

    // A shuffle at the end of the deep stage, and another deep chain after a cache.
    const sums = await within(120_000, deep.map((x) => [((x % 5) + 5) % 5, x] as [number, number]).reduceByKey((a, b) => a + b).collect(), 'a deep shuffle');
    const wantSums = new Map<number, number>();
    for (const x of want) wantSums.set(((x % 5) + 5) % 5, (wantSums.get(((x % 5) + 5) % 5) ?? 0) + x);
    assert.deepEqual(new Map(sums), wantSums);

    const ops2 = randomOps(8);
    const cached = deep.cache();
    const deeper = applyOps(cached, ops2);
    assert.deepEqual(await within(120_000, deeper.collect(), 'a deep chain over a cached deep chain'), reference(want, ops2));
    assert.equal(deep.toDebugString().split('\n').length, DEPTH + 1);
    assert.equal(await within(30_000, s().range(0, 100, 1, 4).count(), 'the next job'), 100);
  });

  test(`${name}: ${DEPTH} chained narrow operators over an async map run on the async path`, async () => {
    const input = Array.from({ length: 300 }, (_, i) => i * 3);
    const ops = randomOps(9);
    const deep = applyOps(s().parallelize(input, 3).map(async (x) => x), ops);
    assert.deepEqual(await within(120_000, deep.collect(), 'a deep collect over an async map'), reference(input, ops));
  });

  test(`${name}: ${DEPTH} chained operators that are not fused (mapPartitions, mapPartitionsWithIndex, sample, coalesce) run`, async () => {
    const input = Array.from({ length: 300 }, (_, i) => i);
    const rand = seededRandom(11);
    let ds = s().parallelize(input, 3);
    let want = input;
    for (let i = 0; i < DEPTH; i++) {
      const r = rand();
      const k = Math.floor(rand() * 5) - 2;
      if (r < 0.4) ds = ds.mapPartitions((it, env) => (function* () { for (const x of it) yield x + env.k; })(), { k });
      else if (r < 0.7) ds = ds.mapPartitionsWithIndex((_, it, env) => Array.from(it, (x) => x - env.k), { k });
      else if (r < 0.8) ds = ds.sample(false, 1, i);
      else if (r < 0.9) ds = ds.coalesce(3);
      else ds = ds.map((x, env) => x * 1 + env.k, { k });
      if (r < 0.4 || r >= 0.9) want = want.map((x) => x + k);
      else if (r < 0.7) want = want.map((x) => x - k);
    }
    assert.deepEqual(await within(120_000, ds.collect(), 'a deep collect'), want);
    // The deep chain feeding a shuffle (the stage pushes into its shuffle write).
    const sums = await within(120_000, ds.map((x) => [((x % 3) + 3) % 3, x] as [number, number]).reduceByKey((a, b) => a + b).collect(), 'a deep shuffle');
    const wantSums = new Map<number, number>();
    for (const x of want) wantSums.set(((x % 3) + 3) % 3, (wantSums.get(((x % 3) + 3) % 3) ?? 0) + x);
    assert.deepEqual(new Map(sums), wantSums);
    assert.equal(await within(30_000, s().range(0, 100, 1, 4).count(), 'the next job'), 100);
  });
});
