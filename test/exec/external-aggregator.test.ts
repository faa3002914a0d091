import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ExternalAggregator, type KeyOps } from '../../src/exec/external-aggregator.js';
import { MemoryBudget } from '../../src/exec/memory-budget.js';
import { compareKeys, hashKey, keyId } from '../../src/serde/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-agg-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const sum = { createCombiner: (v: number) => v, mergeValue: (c: number, v: number) => c + v, mergeCombiners: (a: number, b: number) => a + b };
const group = {
  createCombiner: (v: number) => [v],
  mergeValue: (c: number[], v: number) => (c.push(v), c),
  mergeCombiners: (a: number[], b: number[]) => a.concat(b),
};

/** Runs the aggregator and returns its output keyed by keyId, checking each key comes once and cleanup happened. */
function aggregate<C>(
  pairs: Array<[unknown, number]>,
  fns: { createCombiner: (v: number) => C; mergeValue: (c: C, v: number) => C; mergeCombiners: (a: C, b: C) => C },
  limit: number,
  keys?: KeyOps,
) {
  const budget = MemoryBudget.create(limit);
  const metrics = { spilledBytes: 0, spills: 0 };
  const agg = new ExternalAggregator<unknown, number, C>({ ...fns, budget, spillDir: dir, metrics, keys });
  for (const [k, v] of pairs) agg.insertValue(k, v);
  const out = new Map<unknown, [unknown, C]>();
  for (const batch of agg.entries(1000)) {
    assert.ok(batch.length > 0 && batch.length <= 1000);
    for (const [k, c] of batch) {
      assert.ok(!out.has(keyId(k)), `key ${JSON.stringify(k)} emitted twice`);
      out.set(keyId(k), [k, c]);
    }
  }
  assert.equal(budget.used(), 0, 'all reservations released');
  assert.deepEqual(readdirSync(dir), [], 'run files deleted');
  return { out, metrics, agg, budget };
}

/** Naive reference: a Map keyed by keyId holding every value. */
function reference(pairs: Array<[unknown, number]>): Map<unknown, [unknown, number[]]> {
  const m = new Map<unknown, [unknown, number[]]>();
  for (const [k, v] of pairs) {
    const id = keyId(k);
    const e = m.get(id);
    if (e) e[1].push(v);
    else m.set(id, [k, [v]]);
  }
  return m;
}

function checkSums(out: Map<unknown, [unknown, number]>, pairs: Array<[unknown, number]>): void {
  const ref = reference(pairs);
  assert.equal(out.size, ref.size);
  for (const [id, [k, vs]] of ref) {
    assert.deepEqual(out.get(id)?.[0], k);
    assert.equal(out.get(id)?.[1], vs.reduce((a, b) => a + b, 0));
  }
}

function checkGroups(out: Map<unknown, [unknown, number[]]>, pairs: Array<[unknown, number]>): void {
  const ref = reference(pairs);
  assert.equal(out.size, ref.size);
  const asc = (a: number, b: number) => a - b;
  for (const [id, [, vs]] of ref) assert.deepEqual([...out.get(id)![1]].sort(asc), [...vs].sort(asc));
}

const key = fc.oneof(
  fc.integer({ min: 0, max: 3000 }),
  fc.string({ maxLength: 6 }),
  fc.tuple(fc.integer({ min: 0, max: 20 }), fc.constantFrom('a', 'b', 'c')),
);
const pairs = fc.array(fc.tuple(key, fc.integer({ min: -100, max: 100 })), { maxLength: 8000, size: 'max' });

test('reduceByKey-style sums with a 64 KiB budget match a naive Map (property)', () => {
  fc.assert(
    fc.property(pairs, (ps) => checkSums(aggregate(ps, sum, 64 * 1024).out, ps)),
    { numRuns: 25, endOnFailure: true },
  );
});

test('groupByKey-style lists with a 16 KiB budget match a naive Map (property)', () => {
  fc.assert(
    fc.property(pairs, (ps) => checkGroups(aggregate(ps, group, 16 * 1024).out, ps)),
    { numRuns: 25, endOnFailure: true },
  );
});

test('a tiny budget spills (many runs, multi-pass merge); a big one does not', () => {
  let seed = 7;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % 60_000;
  const ps: Array<[unknown, number]> = Array.from({ length: 200_000 }, (_, i) => [i % 5 === 0 ? `k${rnd()}` : rnd(), i % 13]);

  const small = aggregate(ps, sum, 64 * 1024);
  assert.ok(small.metrics.spills > 32, `expected more runs than the fan-in, got ${small.metrics.spills}`);
  assert.ok(small.agg.spilled && small.metrics.spilledBytes > 0);
  assert.ok(small.budget.peak() <= 64 * 1024);
  checkSums(small.out, ps);

  const big = aggregate(ps, sum, 1 << 30);
  assert.equal(big.metrics.spills, 0);
  assert.equal(big.agg.spilled, false);
  checkSums(big.out, ps);
});

test('few keys with growing lists spill by size, not by entry count', () => {
  const ps: Array<[unknown, number]> = Array.from({ length: 100_000 }, (_, i) => [i % 3, i]);
  const r = aggregate(ps, group, 256 * 1024);
  assert.ok(r.metrics.spills > 0);
  checkGroups(r.out, ps);
});

test('hash collisions are told apart by compareKeys', () => {
  const collide: KeyOps = { keyId, compareKeys, hashKey: (k) => hashKey(k) % 4 };
  const ps: Array<[unknown, number]> = Array.from({ length: 30_000 }, (_, i) => [(i * 7919) % 4001, 1]);
  const r = aggregate(ps, sum, 16 * 1024, collide);
  assert.ok(r.metrics.spills > 0);
  checkSums(r.out, ps);
});

test('insertCombiner merges partial combiners (map-side combine output)', () => {
  const budget = MemoryBudget.create(8 * 1024);
  const agg = new ExternalAggregator<string, number, number>({ ...sum, budget, spillDir: dir });
  for (let i = 0; i < 20_000; i++) agg.insertCombiner(`k${i % 2500}`, 2);
  for (let i = 0; i < 2500; i++) agg.insertValue(`k${i}`, 1);
  assert.ok(agg.spilled);
  const got = new Map([...agg.entries()].flat());
  assert.equal(got.size, 2500);
  for (const v of got.values()) assert.equal(v, 17);
  assert.equal(budget.used(), 0);
});

test('returning early deletes run files and releases the budget; dispose too', () => {
  const budget = MemoryBudget.create(16 * 1024);
  const agg = new ExternalAggregator<number, number, number>({ ...sum, budget, spillDir: dir });
  for (let i = 0; i < 50_000; i++) agg.insertValue(i, i);
  assert.ok(agg.spilled && readdirSync(dir).length > 0);
  for (const b of agg.entries(10)) {
    assert.equal(b.length, 10);
    break;
  }
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(budget.used(), 0);
  assert.throws(() => agg.insertValue(1, 1));

  const unused = new ExternalAggregator<number, number, number>({ ...sum, budget, spillDir: dir });
  for (let i = 0; i < 50_000; i++) unused.insertValue(i, i);
  unused.dispose();
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(budget.used(), 0);
});

test('a throwing mergeCombiners during the merge still cleans up', () => {
  const budget = MemoryBudget.create(16 * 1024);
  const agg = new ExternalAggregator<number, number, number>({
    ...sum,
    mergeCombiners: () => {
      throw new Error('boom');
    },
    budget,
    spillDir: dir,
  });
  for (let i = 0; i < 30_000; i++) agg.insertValue(i % 2000, i);
  assert.throws(() => [...agg.entries()], /boom/);
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(budget.used(), 0);
});
