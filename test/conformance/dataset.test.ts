/**
 * Conformance: every Dataset operator and action, on every backend, compared
 * with the naive reference in reference.ts. Order is compared exactly where the
 * API defines it (narrow operators over parallelize, zipWithIndex, coalesce,
 * sortBy/sortByKey, take/takeOrdered/top) and as multisets elsewhere.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { HashPartitioner, RangePartitioner } from '../../src/index.js';
import { compareKeys } from '../../src/serde/keys.js';
import { forEachBackend } from './backends.js';
import * as ref from './reference.js';

type Key = number | string | null | undefined | [number, string] | [string, number] | { a: number; b: number };

/** Keys that must group by value: the two objects are one key, 1 and '1' are two, the two tuples are two. */
const KEYS: Key[] = [1, '1', [1, 'a'], ['a', 1], { a: 1, b: 2 }, { b: 2, a: 1 }, null, undefined, 'x', 2, 0, [1, 'a']];
const PAIRS: Array<[Key, number]> = Array.from({ length: 60 }, (_, i) => [KEYS[(i * 7) % KEYS.length]!, i]);
const OTHER: Array<[Key, string]> = [[1, 'p'], ['1', 'q'], [{ b: 2, a: 1 }, 'r'], ['y', 's'], [[1, 'a'], 't'], [1, 'u'], [undefined, 'v']];
const NUMS = Array.from({ length: 100 }, (_, i) => (i * 37) % 101);

const tmp = mkdtempSync(join(tmpdir(), 'sluice-conf-'));
after(() => rmSync(tmp, { recursive: true, force: true }));
let dirCounter = 0;
const freshDir = (name: string): string => join(tmp, `${name}-${dirCounter++}`);

/** Records of each partition, by index, via mapPartitionsWithIndex. */
async function glom<T>(ds: import('../../src/index.js').Dataset<T>): Promise<T[][]> {
  const tagged = await ds.mapPartitionsWithIndex((i, it) => [[i, [...it]] as [number, T[]]]).collect();
  const out: T[][] = Array.from({ length: ds.numPartitions }, () => []);
  for (const [i, xs] of tagged) out[i] = xs;
  return out;
}

forEachBackend((name, s) => {
  // ---------------------------------------------------------------- narrow transformations

  test(`${name}: map, filter, flatMap keep record order`, async () => {
    const ds = s().parallelize(NUMS, 4);
    assert.deepEqual(await ds.map((x) => x * 3 + 1).collect(), ref.map(NUMS, (x) => x * 3 + 1));
    assert.deepEqual(await ds.filter((x) => x % 3 === 0).collect(), ref.filter(NUMS, (x) => x % 3 === 0));
    const fm = (x: number) => (x % 3 ? [x, -x] : []);
    assert.deepEqual(await ds.flatMap((x) => (x % 3 ? [x, -x] : [])).collect(), ref.flatMap(NUMS, fm));
    // flatMap over a generator (any iterable)
    const gen = await ds.flatMap(function* (x) { for (let i = 0; i < x % 3; i++) yield `${x}:${i}`; }).collect();
    assert.deepEqual(gen, ref.flatMap(NUMS, (x) => Array.from({ length: x % 3 }, (_, i) => `${x}:${i}`)));
  });

  test(`${name}: map with env values`, async () => {
    const got = await s().parallelize(NUMS, 3).map((x, env) => x * env.k + env.offset, { k: 5, offset: -2 }).collect();
    assert.deepEqual(got, NUMS.map((x) => x * 5 - 2));
  });

  test(`${name}: mapPartitions and mapPartitionsWithIndex see each partition once`, async () => {
    const parts = ref.slices(NUMS, 4);
    const sums = await s().parallelize(NUMS, 4).mapPartitions((it) => { let t = 0, n = 0; for (const x of it) { t += x; n++; } return [[n, t]]; }).collect();
    assert.deepEqual(sums, ref.mapPartitions(parts, (it) => { let t = 0, n = 0; for (const x of it) { t += x; n++; } return [[n, t]]; }));
    const tagged = await s().parallelize(NUMS, 4).mapPartitionsWithIndex(function* (i, it) { for (const x of it) yield [i, x] as [number, number]; }).collect();
    assert.deepEqual(tagged, ref.mapPartitionsWithIndex(parts, (i, it) => [...it].map((x) => [i, x] as [number, number])));
    // A generator that stops early: the rest of the partition is not needed.
    const firsts = await s().parallelize(NUMS, 4).mapPartitions(function* (it) { for (const x of it) { yield x; return; } }).collect();
    assert.deepEqual(firsts, parts.map((p) => p[0]));
  });

  test(`${name}: keyBy, mapValues, flatMapValues, keys, values`, async () => {
    const ds = s().parallelize(NUMS, 3);
    assert.deepEqual(await ds.keyBy((x) => x % 7).collect(), ref.keyBy(NUMS, (x) => x % 7));
    const pairs = s().parallelize(PAIRS, 3);
    assert.deepEqual(await pairs.mapValues((v) => v * 2).collect(), ref.mapValues(PAIRS, (v) => v * 2));
    assert.deepEqual(await pairs.flatMapValues((v) => (v % 2 ? [v, v + 0.5] : [])).collect(), ref.flatMapValues(PAIRS, (v) => (v % 2 ? [v, v + 0.5] : [])));
    assert.deepEqual(await pairs.keys().collect(), ref.keys(PAIRS));
    assert.deepEqual(await pairs.values().collect(), ref.values(PAIRS));
  });

  test(`${name}: union concatenates partitions in order`, async () => {
    const a = s().parallelize([1, 2, 3], 2);
    const b = s().parallelize([4, 5], 3);
    const c = s().range(10, 13, 1, 1);
    const u = a.union(b, c);
    assert.equal(u.numPartitions, 6);
    assert.deepEqual(await u.collect(), ref.union([1, 2, 3], [4, 5], [10, 11, 12]));
    assert.deepEqual(await s().union(a, a).count(), 6);
    // a union feeding a shuffle
    const counted = await a.union(b).map((x) => [x % 2, 1] as const).reduceByKey((x, y) => x + y).collect();
    assert.deepEqual(ref.canon(counted), [[0, 2], [1, 3]]);
  });

  test(`${name}: sample is a subset, deterministic by seed, near the fraction`, async () => {
    const N = 20000;
    const ds = s().range(0, N, 1, 4);
    const a = await ds.sample(false, 0.3, 7).collect();
    const b = await ds.sample(false, 0.3, 7).collect();
    const c = await ds.sample(false, 0.3, 8).collect();
    assert.deepEqual(a, b, 'same seed, same sample');
    assert.notDeepEqual(a, c, 'another seed, another sample');
    assert.equal(new Set(a).size, a.length, 'without replacement: no record twice');
    assert.ok(a.every((x) => Number.isInteger(x) && x >= 0 && x < N), 'a subset of the input');
    assert.ok(a.length > N * 0.27 && a.length < N * 0.33, `about 30% kept, got ${a.length}`);
    const w = await ds.sample(true, 0.5, 3).collect();
    assert.ok(w.every((x) => x >= 0 && x < N));
    assert.ok(w.length > N * 0.45 && w.length < N * 0.55, `about 50% drawn, got ${w.length}`);
    assert.deepEqual(await ds.sample(true, 0.5, 3).collect(), w);
    assert.equal(await ds.sample(false, 0, 1).count(), 0);
    assert.equal(await ds.sample(false, 1, 1).count(), N);
    assert.throws(() => ds.sample(false, 1.5), RangeError);
  });

  test(`${name}: zipWithIndex numbers records in dataset order (empty partitions too)`, async () => {
    const data = ['a', 'b', 'c', 'd', 'e'];
    assert.deepEqual(await s().parallelize(data, 7).zipWithIndex().collect(), ref.zipWithIndex(data));
    const filtered = s().parallelize(NUMS, 5).filter((x) => x % 4 === 1);
    assert.deepEqual(await filtered.zipWithIndex().collect(), ref.zipWithIndex(NUMS.filter((x) => x % 4 === 1)));
    // after a shuffle, indices follow the shuffled dataset's order
    const sorted = s().parallelize(NUMS, 3).sortBy((x) => x);
    assert.deepEqual(await sorted.zipWithIndex().collect(), ref.zipWithIndex([...NUMS].sort((x, y) => x - y)));
  });

  test(`${name}: coalesce concatenates neighbours; with shuffle redistributes`, async () => {
    const ds = s().parallelize(NUMS, 6);
    const c = ds.coalesce(4);
    assert.equal(c.numPartitions, 4);
    assert.deepEqual(await glom(c), ref.coalesce(ref.slices(NUMS, 6), 4));
    assert.deepEqual(await c.collect(), NUMS, 'coalesce keeps order');
    assert.equal(ds.coalesce(10).numPartitions, 6, 'coalesce never adds partitions without a shuffle');
    const sh = ds.coalesce(2, true);
    assert.equal(sh.numPartitions, 2);
    assert.deepEqual(ref.canon(await sh.collect()), ref.canon(NUMS));
  });

  test(`${name}: repartition spreads records evenly`, async () => {
    const r = s().parallelize(NUMS, 2).repartition(5);
    assert.equal(r.numPartitions, 5);
    const parts = await glom(r);
    assert.deepEqual(ref.canon(parts.flat()), ref.canon(NUMS));
    for (const p of parts) assert.ok(p.length >= 15 && p.length <= 25, `round robin: 100 records over 5 partitions, got ${p.length}`);
    const up = await s().parallelize(['x'], 1).repartition(3).collect();
    assert.deepEqual(up, ['x']);
  });

  // ---------------------------------------------------------------- keyed shuffles

  test(`${name}: keys group by value (tuples, object key order, 1 vs '1')`, async () => {
    const keys: Key[] = [[1, 'a'], ['a', 1], [1, 'a'], { a: 1, b: 2 }, { b: 2, a: 1 }, 1, '1', 1, null, undefined, null];
    const counts = await s().parallelize(keys.map((k) => [k, 1] as [Key, number]), 3).reduceByKey((a, b) => a + b).collect();
    assert.equal(counts.length, 7);
    const byKey = ref.canon(counts);
    assert.deepEqual(byKey, ref.canon<[Key, number]>([[undefined, 1], [null, 2], [1, 2], ['1', 1], [[1, 'a'], 2], [['a', 1], 1], [{ a: 1, b: 2 }, 2]]));
    const m = await s().parallelize(keys, 2).countByValue();
    assert.equal(m.size, 7);
  });

  test(`${name}: other key kinds: Date, bigint, boolean, -0, typed arrays, NUL-prefixed strings`, async () => {
    const keys: unknown[] = [new Date(0), new Date(0), new Date(5), 10n, 10n, true, false, true, 0, -0, 'a\u0000b', '\u0000x', '\u0000x', [new Date(0)], { d: new Date(0) }, new Uint8Array([1, 2]), new Uint8Array([1, 2])];
    const pairs = keys.map((k) => [k, 1] as [unknown, number]);
    const counts = await s().parallelize(pairs, 3).reduceByKey((a, b) => a + b).collect();
    assert.deepEqual(ref.canon(counts), ref.canon(ref.reduceByKey(pairs, (a, b) => a + b)));
    assert.equal(counts.length, 11);
    const sorted = await s().parallelize(keys, 2).sortBy((x) => x, true, 3).collect();
    // (-0 travels as 0: the codec does not keep the sign of zero)
    assert.deepEqual(sorted, ref.sortBy(keys, (x) => x).map((x) => (Object.is(x, -0) ? 0 : x)));
    assert.equal(await s().parallelize(keys, 2).distinct().count(), 11);
  });

  test(`${name}: reduceByKey, foldByKey`, async () => {
    const ds = s().parallelize(PAIRS, 4);
    assert.deepEqual(ref.canon(await ds.reduceByKey((a, b) => a + b).collect()), ref.canon(ref.reduceByKey(PAIRS, (a, b) => a + b)));
    assert.deepEqual(ref.canon(await ds.reduceByKey((a, b) => Math.max(a, b), undefined, 3).collect()), ref.canon(ref.reduceByKey(PAIRS, Math.max)));
    const r2 = ds.reduceByKey((a, b) => a + b, undefined, 2);
    assert.equal(r2.numPartitions, 2);
    assert.deepEqual(ref.canon(await ds.foldByKey(0, (a, b) => a + b).collect()), ref.canon(ref.foldByKey(PAIRS, 0, (a, b) => a + b)));
    // foldByKey with env
    const folded = await ds.foldByKey(1, (a, b, env) => (a * b) % env.m, { m: 1000003 }).collect();
    assert.deepEqual(ref.canon(folded), ref.canon(ref.foldByKey(PAIRS, 1, (a, b) => (a * b) % 1000003)));
  });

  test(`${name}: aggregateByKey and combineByKey (mutable accumulators are copied per key)`, async () => {
    const ds = s().parallelize(PAIRS, 4);
    const agg = await ds.aggregateByKey([] as number[], (acc, v) => (acc.push(v), acc), (a, b) => a.concat(b)).collect();
    assert.deepEqual(ref.canonGroups(agg), ref.canonGroups(ref.aggregateByKey(PAIRS, [] as number[], (acc, v) => (acc.push(v), acc))));
    const sums = await ds.aggregateByKey({ n: 0, t: 0 }, (acc, v) => ({ n: acc.n + 1, t: acc.t + v }), (a, b) => ({ n: a.n + b.n, t: a.t + b.t })).collect();
    assert.deepEqual(ref.canon(sums), ref.canon(ref.aggregateByKey(PAIRS, { n: 0, t: 0 }, (acc, v) => ({ n: acc.n + 1, t: acc.t + v }))));
    const comb = await ds.combineByKey((v) => [v], (c, v) => (c.push(v), c), (a, b) => a.concat(b), undefined, 3).collect();
    assert.deepEqual(ref.canonGroups(comb), ref.canonGroups(ref.combineByKey(PAIRS, (v) => [v], (c, v) => (c.push(v), c))));
  });

  test(`${name}: groupByKey and cogroup`, async () => {
    const ds = s().parallelize(PAIRS, 4);
    assert.deepEqual(ref.canonGroups(await ds.groupByKey().collect()), ref.canonGroups(ref.groupByKey(PAIRS)));
    assert.deepEqual(ref.canonGroups(await ds.groupByKey(7).collect()), ref.canonGroups(ref.groupByKey(PAIRS)));
    const other = s().parallelize(OTHER, 2);
    const cg = ds.cogroup(other);
    assert.equal(cg.numPartitions, 4);
    assert.deepEqual(ref.canonCogroups(await cg.collect()), ref.canonCogroups(ref.cogroup(PAIRS, OTHER)));
  });

  test(`${name}: join, leftOuterJoin, rightOuterJoin, fullOuterJoin`, async () => {
    const left = s().parallelize(PAIRS, 3);
    const right = s().parallelize(OTHER, 2);
    assert.deepEqual(ref.canon(await left.join(right).collect()), ref.canon(ref.join(PAIRS, OTHER)));
    assert.deepEqual(ref.canon(await left.leftOuterJoin(right).collect()), ref.canon(ref.leftOuterJoin(PAIRS, OTHER)));
    assert.deepEqual(ref.canon(await left.rightOuterJoin(right).collect()), ref.canon(ref.rightOuterJoin(PAIRS, OTHER)));
    assert.deepEqual(ref.canon(await left.fullOuterJoin(right, 5).collect()), ref.canon(ref.fullOuterJoin(PAIRS, OTHER)));
    // Inner join results are non-trivial: both sides contribute matches.
    assert.ok(ref.join(PAIRS, OTHER).length > 10);
    // self-join
    const small = PAIRS.slice(0, 12);
    const sm = s().parallelize(small, 2);
    assert.deepEqual(ref.canon(await sm.join(sm).collect()), ref.canon(ref.join(small, small)));
  });

  test(`${name}: distinct compares by value`, async () => {
    const recs: unknown[] = [1, '1', 1, { a: 1, b: 2 }, { b: 2, a: 1 }, [1, 'a'], ['a', 1], [1, 'a'], null, null, undefined, 'x', 'x', 2.5];
    const got = await s().parallelize(recs, 3).distinct().collect();
    assert.equal(got.length, 9);
    assert.deepEqual(ref.canon(got), ref.canon(ref.distinct(recs)));
    assert.deepEqual(ref.canon(await s().parallelize(NUMS.map((x) => x % 10), 4).distinct(2).collect()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  });

  test(`${name}: sortBy and sortByKey give total order`, async () => {
    const ds = s().parallelize(NUMS, 4);
    assert.deepEqual(await ds.sortBy((x) => x).collect(), ref.sortBy(NUMS, (x) => x));
    assert.deepEqual(await ds.sortBy((x) => x, false).collect(), ref.sortBy(NUMS, (x) => x, false));
    assert.deepEqual(await ds.sortBy((x) => x, true, 7).collect(), ref.sortBy(NUMS, (x) => x));
    const words = ['pear', 'apple', 'fig', 'banana', 'kiwi', 'cherry', 'date', 'grape'];
    assert.deepEqual(await s().parallelize(words, 3).sortBy((w) => w.length * 100 + w.charCodeAt(0), true, 2).collect(), ref.sortBy(words, (w) => w.length * 100 + w.charCodeAt(0)));
    const byKey = await s().parallelize(PAIRS, 3).sortByKey(true, 4).collect();
    const expected = ref.sortByKey(PAIRS);
    assert.deepEqual(byKey.map(([k]) => k), expected.map(([k]) => k), 'keys in order (mixed kinds)');
    assert.deepEqual(ref.canon(byKey), ref.canon(expected));
    const desc = await s().parallelize(PAIRS, 3).sortByKey(false, 2).collect();
    assert.deepEqual(desc.map(([k]) => k), ref.sortByKey(PAIRS, false).map(([k]) => k));
    // tuple keys: lexicographic
    const tuples: Array<[[number, string], number]> = [[[2, 'a'], 1], [[1, 'b'], 2], [[1, 'a'], 3], [[2, ''], 4]];
    assert.deepEqual(await s().parallelize(tuples, 2).sortByKey().collect(), [[[1, 'a'], 3], [[1, 'b'], 2], [[2, ''], 4], [[2, 'a'], 1]]);
  });

  test(`${name}: partitionBy(HashPartitioner) places every key by its hash`, async () => {
    const part = s().parallelize(PAIRS, 3).partitionBy(new HashPartitioner(4));
    assert.equal(part.numPartitions, 4);
    const parts = await glom(part);
    assert.deepEqual(ref.canon(parts.flat()), ref.canon(PAIRS));
    parts.forEach((p, i) => {
      for (const [k] of p) assert.equal(ref.hashPartition(k, 4), i, `key ${JSON.stringify(k)} in partition ${i}`);
    });
    // equal-by-value keys land together
    const objParts = parts.map((p) => p.some(([k]) => typeof k === 'object' && k !== null && !Array.isArray(k)));
    assert.equal(objParts.filter(Boolean).length, 1);
  });

  test(`${name}: partitionBy(RangePartitioner) makes ordered key ranges`, async () => {
    const pairs = NUMS.map((x) => [x, `v${x}`] as [number, string]);
    const sampled = await glom(s().parallelize(pairs, 3).partitionBy(new RangePartitioner(4)));
    assert.equal(sampled.length, 4);
    assert.deepEqual(ref.canon(sampled.flat()), ref.canon(pairs));
    for (let i = 0; i + 1 < sampled.length; i++) {
      const maxHere = Math.max(...sampled[i]!.map(([k]) => k));
      const minNext = Math.min(...sampled[i + 1]!.map(([k]) => k));
      if (sampled[i]!.length && sampled[i + 1]!.length) assert.ok(maxHere < minNext, `partition ${i} (max ${maxHere}) before ${i + 1} (min ${minNext})`);
    }
    assert.ok(sampled.filter((p) => p.length > 0).length >= 3, 'the sampled bounds spread the keys');
    const given = await glom(s().parallelize(pairs, 3).partitionBy(new RangePartitioner(3, { bounds: [10, 50] })));
    assert.deepEqual(given.map((p) => ref.canon(p.map(([k]) => k))), [
      ref.canon(NUMS.filter((k) => k <= 10)),
      ref.canon(NUMS.filter((k) => k > 10 && k <= 50)),
      ref.canon(NUMS.filter((k) => k > 50)),
    ]);
  });

  test(`${name}: chained shuffles`, async () => {
    const words = Array.from({ length: 500 }, (_, i) => `w${(i * i) % 37}`);
    const got = await s()
      .parallelize(words, 5)
      .map((w) => [w, 1] as const)
      .reduceByKey((a, b) => a + b, undefined, 3)
      .map(([w, n]) => [n, w] as [number, string])
      .groupByKey(2)
      .mapValues((ws) => ws.length)
      .sortByKey(false)
      .collect();
    const counts = ref.reduceByKey(words.map((w) => [w, 1] as [string, number]), (a, b) => a + b);
    const byCount = ref.groupByKey(counts.map(([w, n]) => [n, w] as const)).map(([n, ws]) => [n, ws.length] as [number, number]);
    assert.deepEqual(got, ref.sortByKey(byCount, false));
  });

  // ---------------------------------------------------------------- actions

  test(`${name}: collect, count, first, take`, async () => {
    const ds = s().parallelize(NUMS, 5);
    assert.deepEqual(await ds.collect(), NUMS);
    assert.equal(await ds.count(), ref.count(NUMS));
    assert.equal(await ds.first(), ref.first(NUMS));
    assert.deepEqual(await ds.take(7), ref.take(NUMS, 7));
    assert.deepEqual(await ds.take(0), []);
    assert.deepEqual(await ds.take(1000), NUMS);
    // take skips empty leading partitions
    const sparse = s().parallelize(NUMS, 5).filter((x) => x > 95);
    assert.deepEqual(await sparse.take(2), ref.take(NUMS.filter((x) => x > 95), 2));
    assert.equal(await sparse.first(), ref.first(NUMS.filter((x) => x > 95)));
    await assert.rejects(s().parallelize([], 3).first(), RangeError);
    assert.equal(await s().parallelize([], 3).count(), 0);
    assert.deepEqual(await s().parallelize([], 3).collect(), []);
  });

  test(`${name}: takeOrdered and top`, async () => {
    const ds = s().parallelize(NUMS, 4);
    assert.deepEqual(await ds.takeOrdered(5), ref.takeOrdered(NUMS, 5));
    assert.deepEqual(await ds.top(5), ref.top(NUMS, 5));
    assert.deepEqual(await ds.takeOrdered(5, (a, b) => (a % 10) - (b % 10) || a - b), ref.takeOrdered(NUMS, 5, (a, b) => (a % 10) - (b % 10) || a - b));
    assert.deepEqual(await ds.top(3, (a, b) => (a % 10) - (b % 10) || a - b), ref.top(NUMS, 3, (a, b) => (a % 10) - (b % 10) || a - b));
    assert.deepEqual(await ds.takeOrdered(500), ref.takeOrdered(NUMS, 500));
    const pairTop = await s().parallelize(PAIRS, 3).top(4, (a, b) => a[1] - b[1]);
    assert.deepEqual(pairTop, ref.top(PAIRS, 4, (a, b) => a[1] - b[1]));
    // by value across mixed kinds
    const mixed: unknown[] = ['b', 2, [1], null, 'a', 1, { z: 1 }];
    assert.deepEqual(await s().parallelize(mixed, 3).takeOrdered(7), [...mixed].sort(compareKeys));
  });

  test(`${name}: reduce, fold, aggregate`, async () => {
    const ds = s().parallelize(NUMS, 4);
    assert.equal(await ds.reduce((a, b) => a + b), ref.reduce(NUMS, (a, b) => a + b));
    assert.equal(await ds.reduce((a, b) => Math.max(a, b)), Math.max(...NUMS));
    assert.equal(await s().parallelize([42], 3).reduce((a, b) => a + b), 42, 'empty partitions are skipped');
    await assert.rejects(s().parallelize([] as number[], 2).reduce((a, b) => a + b));
    assert.equal(await ds.fold(0, (a, b) => a + b), ref.fold(NUMS, 0, (a, b) => a + b));
    assert.equal(await s().parallelize([] as number[], 3).fold(0, (a, b) => a + b), 0);
    const agg = await ds.aggregate({ n: 0, t: 0 }, (acc, x) => ({ n: acc.n + 1, t: acc.t + x }), (a, b) => ({ n: a.n + b.n, t: a.t + b.t }));
    assert.deepEqual(agg, ref.aggregate(NUMS, { n: 0, t: 0 }, (acc, x) => ({ n: acc.n + 1, t: acc.t + x })));
    // a mutable zero is not shared between partitions
    const all = await ds.aggregate([] as number[], (acc, x) => (acc.push(x), acc), (a, b) => a.concat(b));
    assert.deepEqual(ref.canon(all), ref.canon(NUMS));
    const withEnv = await ds.reduce((a, b, env) => (a + b) % env.m, { m: 97 });
    assert.equal(withEnv, NUMS.reduce((a, b) => (a + b) % 97));
  });

  test(`${name}: countByKey and countByValue`, async () => {
    const byKey = await s().parallelize(PAIRS, 4).countByKey();
    assert.ok(byKey instanceof Map);
    assert.deepEqual(ref.canonMap(byKey), ref.canon(ref.countByKey(PAIRS)));
    const recs = NUMS.map((x) => (x % 3 === 0 ? String(x % 5) : x % 5));
    assert.deepEqual(ref.canonMap(await s().parallelize(recs, 3).countByValue()), ref.canon(ref.countByValue(recs)));
  });

  test(`${name}: foreach and foreachPartition with accumulators`, async () => {
    const sum = s().accumulator(0);
    await s().parallelize(NUMS, 4).foreach((x, env) => env.sum.add(x), { sum });
    assert.equal(sum.value, NUMS.reduce((a, b) => a + b));
    const parts = s().accumulator(0);
    const seen = s().collectionAccumulator<number>();
    await s().parallelize(NUMS, 4).foreachPartition((it, env) => { env.parts.add(1); let n = 0; for (const _ of it) n++; env.seen.add(n); }, { parts, seen });
    assert.equal(parts.value, 4);
    assert.deepEqual(ref.canon(seen.value), ref.canon(ref.slices(NUMS, 4).map((p) => p.length)));
  });

  test(`${name}: a collection accumulator keeps every value added, numbers and zeros included`, async () => {
    const seen = s().collectionAccumulator<number>();
    await s().parallelize([0, 1, 2, 3, 4, 5, 0], 2).foreach((x, env) => env.seen.add(x), { seen });
    assert.deepEqual([...seen.value].sort((a, b) => a - b), [0, 0, 1, 2, 3, 4, 5]);
    const sum = s().accumulator(0);
    await assert.rejects(s().parallelize(['a'], 1).foreach((x, env) => env.sum.add(x as never), { sum }), /numeric accumulator can only add numbers/);
  });

  test(`${name}: saveAsTextFile and saveAsJsonLines write one file per partition`, async () => {
    const recs: unknown[] = ['plain line', 42, { a: [1, 'x'] }, null, 'another', [1, 2]];
    const textDir = freshDir('text');
    await s().parallelize(recs, 3).saveAsTextFile(textDir);
    const textParts = readdirSync(textDir).filter((f) => f.startsWith('part-')).sort();
    assert.equal(textParts.length, 3);
    assert.ok(existsSync(join(textDir, '_SUCCESS')));
    const lines = textParts.flatMap((f) => readFileSync(join(textDir, f), 'utf8').split('\n').filter((l) => l !== ''));
    assert.deepEqual(lines, recs.map((r) => (typeof r === 'string' ? r : JSON.stringify(r))));
    // read back through textFile
    assert.deepEqual(ref.canon(await s().textFile(textDir).collect()), ref.canon(lines));

    const jsonDir = freshDir('json');
    await s().parallelize(recs, 2).saveAsJsonLines(jsonDir);
    const back = await s().jsonLines(jsonDir).collect();
    assert.deepEqual(ref.canon(back), ref.canon(recs));
    // the output directory must not exist yet
    await assert.rejects(s().parallelize(recs, 2).saveAsJsonLines(jsonDir));
  });
});
