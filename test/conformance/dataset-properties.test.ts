/**
 * Property-based conformance: random records (ints, strings, tuples, objects,
 * null and undefined), random partition counts 1–7 (often more partitions than
 * records, so some are empty) and skewed keys, through the shuffling operators
 * on every backend, compared with the naive reference.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { forEachBackend } from './backends.js';
import * as ref from './reference.js';

const RUNS = 20;

type Key = number | string | null | undefined | [number, string] | [string, number] | { a: number; b: number };
type Value = number | string | null | undefined | [number, string];

const keyArb: fc.Arbitrary<Key> = fc.oneof(
  fc.integer({ min: -3, max: 3 }),
  fc.constantFrom('a', 'b', '1', '0', ''),
  fc.tuple(fc.integer({ min: 0, max: 1 }), fc.constantFrom('a', 'b')),
  fc.tuple(fc.constantFrom('a', 'b'), fc.integer({ min: 0, max: 1 })),
  fc.constant(null),
  fc.constant(undefined),
  // equal by value, different key order
  fc.constantFrom({ a: 1, b: 2 }, { b: 2, a: 1 }),
);

/** Most records on one key, as in real skewed data. */
const skewedKeyArb: fc.Arbitrary<Key> = fc.oneof({ arbitrary: fc.constant('hot'), weight: 6 }, { arbitrary: keyArb, weight: 4 });
const anyKeyArb = fc.oneof(keyArb, skewedKeyArb);

const valueArb: fc.Arbitrary<Value> = fc.oneof(
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 4 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.tuple(fc.integer({ min: 0, max: 9 }), fc.string({ maxLength: 2 })),
);

const partsArb = fc.integer({ min: 1, max: 7 });
const pairsArb = <V>(v: fc.Arbitrary<V>) => fc.array(fc.tuple(anyKeyArb, v), { maxLength: 60 });
const recordsArb: fc.Arbitrary<unknown[]> = fc.array(fc.oneof(keyArb, valueArb), { maxLength: 60 });

forEachBackend((name, s) => {
  test(`${name}: reduceByKey, groupByKey match the reference`, async () => {
    await fc.assert(
      fc.asyncProperty(pairsArb(fc.integer({ min: -1000, max: 1000 })), partsArb, partsArb, async (pairs, inParts, outParts) => {
        const ds = s().parallelize(pairs, inParts);
        const reduced = await ds.reduceByKey((a, b) => a + b, undefined, outParts).collect();
        assert.deepEqual(ref.canon(reduced), ref.canon(ref.reduceByKey(pairs, (a, b) => a + b)));
        const grouped = await ds.groupByKey(outParts).collect();
        assert.deepEqual(ref.canonGroups(grouped), ref.canonGroups(ref.groupByKey(pairs)));
      }),
      { numRuns: RUNS },
    );
  });

  test(`${name}: groupByKey with any values, distinct match the reference`, async () => {
    await fc.assert(
      fc.asyncProperty(pairsArb(valueArb), recordsArb, partsArb, partsArb, async (pairs, recs, inParts, outParts) => {
        const grouped = await s().parallelize(pairs, inParts).groupByKey(outParts).collect();
        assert.deepEqual(ref.canonGroups(grouped), ref.canonGroups(ref.groupByKey(pairs)));
        const d = await s().parallelize(recs, inParts).distinct(outParts).collect();
        assert.deepEqual(ref.canon(d), ref.canon(ref.distinct(recs)));
      }),
      { numRuns: RUNS },
    );
  });

  test(`${name}: join and cogroup match the reference`, async () => {
    await fc.assert(
      fc.asyncProperty(pairsArb(valueArb), pairsArb(valueArb), partsArb, partsArb, partsArb, async (left, right, lp, rp, outParts) => {
        const l = s().parallelize(left, lp);
        const r = s().parallelize(right, rp);
        assert.deepEqual(ref.canon(await l.join(r, outParts).collect()), ref.canon(ref.join(left, right)));
        assert.deepEqual(ref.canonCogroups(await l.cogroup(r, outParts).collect()), ref.canonCogroups(ref.cogroup(left, right)));
        assert.deepEqual(ref.canon(await l.fullOuterJoin(r, outParts).collect()), ref.canon(ref.fullOuterJoin(left, right)));
      }),
      { numRuns: RUNS },
    );
  });

  test(`${name}: sortBy gives the reference order`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(anyKeyArb, valueArb), { maxLength: 60 }), partsArb, partsArb, fc.boolean(), async (recs, inParts, outParts, asc) => {
        const sorted = await s().parallelize(recs, inParts).sortBy((r) => r[0], asc, outParts).collect();
        const expected = ref.sortBy(recs, (r) => r[0], asc);
        // Records with equal keys may come in any order: compare the key sequence and the multiset.
        assert.deepEqual(sorted.map((r) => r[0]), expected.map((r) => r[0]));
        assert.deepEqual(ref.canon(sorted), ref.canon(recs));
      }),
      { numRuns: RUNS },
    );
  });

  test(`${name}: zipWithIndex, repartition, coalesce match the reference`, async () => {
    await fc.assert(
      fc.asyncProperty(recordsArb, partsArb, partsArb, async (recs, inParts, outParts) => {
        const ds = s().parallelize(recs, inParts);
        assert.deepEqual(await ds.zipWithIndex().collect(), ref.zipWithIndex(recs));
        const rp = ds.repartition(outParts);
        assert.equal(rp.numPartitions, outParts);
        assert.deepEqual(ref.canon(await rp.collect()), ref.canon(recs));
        const co = ds.coalesce(outParts);
        assert.equal(co.numPartitions, Math.min(inParts, outParts));
        assert.deepEqual(await co.collect(), recs, 'coalesce without shuffle keeps order');
        assert.equal(await ds.coalesce(outParts, true).count(), recs.length);
      }),
      { numRuns: RUNS },
    );
  });

  test(`${name}: aggregateByKey, countByKey match the reference on skewed keys`, async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(skewedKeyArb, fc.integer({ min: 0, max: 100 })), { maxLength: 80 }), partsArb, partsArb, async (pairs, inParts, outParts) => {
        const ds = s().parallelize(pairs, inParts);
        const agg = await ds.aggregateByKey([0, 0] as [number, number], (acc, v) => [acc[0] + 1, acc[1] + v] as [number, number], (a, b) => [a[0] + b[0], a[1] + b[1]] as [number, number], undefined, outParts).collect();
        assert.deepEqual(ref.canon(agg), ref.canon(ref.aggregateByKey(pairs, [0, 0] as [number, number], (acc, v) => [acc[0] + 1, acc[1] + v] as [number, number])));
        assert.deepEqual(ref.canonMap(await ds.countByKey()), ref.canon(ref.countByKey(pairs)));
      }),
      { numRuns: RUNS },
    );
  });
});
