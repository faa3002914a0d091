import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { ExternalSorter } from '../../src/exec/external-sorter.js';
import { MemoryBudget } from '../../src/exec/memory-budget.js';
import { compareKeys } from '../../src/serde/keys.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-sort-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Rec = { k: number; s: string };
const byK = (a: Rec, b: Rec): number => a.k - b.k || (a.s < b.s ? -1 : a.s > b.s ? 1 : 0);

function sortAll<T>(items: T[], compare: (a: T, b: T) => number, limit: number, batchSize?: number) {
  const budget = MemoryBudget.create(limit);
  const metrics = { spilledBytes: 0, spills: 0 };
  const sorter = new ExternalSorter<T>({ compare, budget, spillDir: dir, metrics });
  // Insert in a few uneven batches, as a reduce task would.
  for (let i = 0; i < items.length; i += 777) sorter.insertAll(items.slice(i, i + 777));
  const out: T[] = [];
  for (const b of sorter.sortedBatches(batchSize)) {
    assert.ok(b.length > 0 && b.length <= (batchSize ?? 4096));
    out.push(...b);
  }
  assert.equal(budget.used(), 0, 'all reservations released');
  assert.deepEqual(readdirSync(dir), [], 'run files deleted');
  return { out, metrics, sorter, budget };
}

const rec = fc.record({ k: fc.integer({ min: -1000, max: 1000 }), s: fc.string({ maxLength: 12 }) }, { noNullPrototype: true });

test('random records with a 64 KiB budget sort like Array.prototype.sort (property)', () => {
  fc.assert(
    fc.property(fc.array(rec, { maxLength: 6000, size: 'max' }), fc.integer({ min: 1, max: 5000 }), (items, batchSize) => {
      const { out } = sortAll(items, byK, 64 * 1024, batchSize);
      assert.deepEqual(out, [...items].sort(byK));
    }),
    { numRuns: 25, endOnFailure: true },
  );
});

test('a tiny budget spills (many runs, multi-pass merge); a big one does not', () => {
  let seed = 42;
  const rnd = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % 1_000_000;
  const items: Rec[] = Array.from({ length: 120_000 }, () => ({ k: rnd(), s: 'v' + rnd() }));
  const expected = [...items].sort(byK);

  const small = sortAll(items, byK, 64 * 1024);
  assert.ok(small.metrics.spills > 32, `expected more runs than the fan-in, got ${small.metrics.spills}`);
  assert.ok(small.metrics.spilledBytes > 0);
  assert.equal(small.sorter.spilled, true);
  assert.ok(small.budget.peak() <= 64 * 1024);
  assert.deepEqual(small.out, expected);

  const big = sortAll(items, byK, 1 << 30);
  assert.equal(big.metrics.spills, 0);
  assert.equal(big.sorter.spilled, false);
  assert.ok(big.budget.peak() > 0);
  assert.deepEqual(big.out, expected);
});

test('keys of mixed kinds sort by compareKeys through the real codec', () => {
  const keys: unknown[] = [];
  for (let i = 0; i < 5000; i++) keys.push(i % 3 === 0 ? i : i % 3 === 1 ? `s${i}` : [i % 7, `t${i}`]);
  const { out, metrics } = sortAll(keys, compareKeys, 16 * 1024);
  assert.ok(metrics.spills > 0);
  assert.deepEqual(out, [...keys].sort(compareKeys));
});

test('a zero budget still makes progress', () => {
  const items = Array.from({ length: 5000 }, (_, i) => (i * 7919) % 5003);
  const { out, metrics } = sortAll(items, (a, b) => a - b, 0);
  assert.ok(metrics.spills >= 4);
  assert.deepEqual(out, [...items].sort((a, b) => a - b));
});

test('returning early deletes run files and releases the budget', () => {
  const budget = MemoryBudget.create(32 * 1024);
  const sorter = new ExternalSorter<number>({ compare: (a, b) => a - b, budget, spillDir: dir });
  for (let i = 0; i < 50_000; i++) sorter.insert((i * 104729) % 50_021);
  assert.ok(sorter.spilled);
  assert.ok(readdirSync(dir).length > 0);
  for (const b of sorter.sortedBatches(100)) {
    assert.deepEqual(b.slice(0, 3), [0, 1, 2]);
    break;
  }
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(budget.used(), 0);
  assert.throws(() => sorter.insert(1));
});

test('a throwing comparator during the merge still cleans up; dispose cleans up an unused sorter', () => {
  const budget = MemoryBudget.create(16 * 1024);
  let armed = false;
  const sorter = new ExternalSorter<number>({
    compare: (a, b) => {
      if (armed) throw new Error('boom');
      return a - b;
    },
    budget,
    spillDir: dir,
  });
  for (let i = 0; i < 20_000; i++) sorter.insert(20_000 - i);
  armed = true;
  assert.throws(() => [...sorter.sortedBatches()], /boom/);
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(budget.used(), 0);

  const unused = new ExternalSorter<number>({ compare: (a, b) => a - b, budget, spillDir: dir });
  for (let i = 0; i < 20_000; i++) unused.insert(i);
  unused.dispose();
  assert.deepEqual(readdirSync(dir), []);
  assert.equal(budget.used(), 0);
});

test('an injected codec and estimator are used', () => {
  let encoded = 0;
  const codec = {
    encode: (r: unknown[]) => (encoded++, new TextEncoder().encode(JSON.stringify(r))),
    decode: (b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as unknown[],
  };
  const budget = MemoryBudget.create(10_000);
  const sorter = new ExternalSorter<number>({ compare: (a, b) => b - a, budget, spillDir: dir, codec, estimate: () => 1000 });
  for (let i = 0; i < 3000; i++) sorter.insert(i);
  assert.ok(sorter.spills >= 2 && encoded > 0);
  const out = [...sorter.sortedBatches()].flat();
  assert.deepEqual(out, Array.from({ length: 3000 }, (_, i) => 2999 - i));
});
