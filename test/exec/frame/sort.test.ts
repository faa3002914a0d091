import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import type { PhysOp, PhysSortKey } from '../../../src/frame/physical/ops.js';
import { sortOp } from '../../../src/exec/frame/sort.js';
import { batchesOf, col, rowsOf, schemaOf, testCtx, type Row } from './join-sort-helpers.js';

const S = schemaOf('c', ['int32', 'string', 'float64', 'int32']);
type SortOp = Extract<PhysOp, { op: 'sort' }>;

function sortOpOf(keys: PhysSortKey[], limit?: number): SortOp {
  const input: PhysOp = { op: 'scan', schema: S, scan: { kind: 'memory', partitions: [] } };
  return { op: 'sort', schema: S, input, keys, ...(limit === undefined ? {} : { limit }) };
}

/** Reference: a stable Array sort with SQL null placement. */
function naiveSort(rows: Row[], keys: PhysSortKey[]): Row[] {
  return rows
    .map((r, i) => ({ r, i }))
    .sort((a, b) => {
      for (const k of keys) {
        const c = (k.expr as { index: number }).index;
        const x = a.r[c];
        const y = b.r[c];
        if (x === null || y === null) {
          if (x === y) continue;
          return (x === null) === k.nullsFirst ? -1 : 1;
        }
        const d = x! < y! ? -1 : x! > y! ? 1 : 0;
        if (d !== 0) return k.ascending ? d : -d;
      }
      return a.i - b.i;
    })
    .map((x) => x.r);
}

function run(op: SortOp, input: ColumnBatch[], limit = Infinity) {
  const ctx = testCtx(limit);
  try {
    const out = [...sortOp(op, input, ctx)];
    assert.equal(ctx.budget.used(), 0, 'reservations released');
    assert.deepEqual(readdirSync(ctx.spillDir), [], 'run files deleted');
    for (const b of out) assert.ok(b.numRows > 0 && b.numRows <= 65536 && b.schema === S);
    return { rows: rowsOf(out), metrics: ctx.metrics };
  } finally {
    ctx.dispose();
  }
}

const row = fc.tuple(
  fc.option(fc.integer({ min: -3, max: 3 }), { nil: null, freq: 4 }),
  fc.option(fc.constantFrom('a', 'B', 'b', 'ä', ''), { nil: null, freq: 4 }),
  fc.option(fc.double({ noNaN: true, min: -5, max: 5 }), { nil: null, freq: 4 }),
  fc.integer(), // row id: shows stability
);
const key = fc.record({ expr: fc.constantFrom(col(0), col(1), col(2)), ascending: fc.boolean(), nullsFirst: fc.boolean() });

test('random rows sort like a stable reference sort, nulls placed per key (property)', () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 60 }), fc.array(key, { minLength: 1, maxLength: 3 }), fc.integer({ min: 1, max: 9 }), (rows, keys, size) => {
      assert.deepEqual(run(sortOpOf(keys), batchesOf(S, rows, [size])).rows, naiveSort(rows, keys));
    }),
    { numRuns: 150 },
  );
});

test('top-k equals sort + slice, ties included (property)', () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 80 }), fc.array(key, { minLength: 1, maxLength: 2 }), fc.integer({ min: 0, max: 30 }), fc.integer({ min: 1, max: 9 }), (rows, keys, k, size) => {
      assert.deepEqual(run(sortOpOf(keys, k), batchesOf(S, rows, [size])).rows, naiveSort(rows, keys).slice(0, k));
    }),
    { numRuns: 100 },
  );
});

function bigRows(n: number): Row[] {
  let seed = 11;
  const rnd = (m: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % m;
  return Array.from({ length: n }, (_, i) => [rnd(20) === 0 ? null : rnd(1000), `s${rnd(300)}`, rnd(7) / 2, i]);
}

test('a sort far larger than a 64 KiB budget spills, merges (several passes) and equals the in-memory sort', () => {
  const rows = bigRows(60_000);
  const input = batchesOf(S, rows, [1000]);
  const keys: PhysSortKey[] = [
    { expr: col(0), ascending: false, nullsFirst: false },
    { expr: col(1), ascending: true, nullsFirst: true },
  ];
  const small = run(sortOpOf(keys), input, 64 * 1024);
  const big = run(sortOpOf(keys), input);
  assert.ok(small.metrics.spills > 32, `more runs than the merge fan-in: ${small.metrics.spills}`);
  assert.equal(big.metrics.spills, 0);
  assert.deepEqual(small.rows, big.rows);
  assert.deepEqual(big.rows, naiveSort(rows, keys));
});

test('equal keys keep their input order (stable), in memory and through spilled runs', () => {
  const rows: Row[] = Array.from({ length: 20_000 }, (_, i) => [i % 3, 'x', 0, i]);
  const keys: PhysSortKey[] = [{ expr: col(0), ascending: true, nullsFirst: true }];
  for (const limit of [Infinity, 64 * 1024]) {
    const out = run(sortOpOf(keys), batchesOf(S, rows, [777]), limit).rows;
    for (let i = 1; i < out.length; i++) {
      const [a, b] = [out[i - 1]!, out[i]!];
      assert.ok((a[0] as number) < (b[0] as number) || (a[0] === b[0] && (a[3] as number) < (b[3] as number)), `rows ${i - 1}, ${i}`);
    }
  }
});

test('top-k over many batches holds few rows and never spills', () => {
  const rows = bigRows(30_000);
  const keys: PhysSortKey[] = [{ expr: col(2), ascending: false, nullsFirst: false }];
  const got = run(sortOpOf(keys, 10), batchesOf(S, rows, [500]), 64 * 1024);
  assert.equal(got.metrics.spills, 0);
  assert.deepEqual(got.rows, naiveSort(rows, keys).slice(0, 10));
});

test('a huge limit falls back to the external sort and stops after limit rows', () => {
  const rows = bigRows(5_000);
  const keys: PhysSortKey[] = [{ expr: col(0), ascending: true, nullsFirst: false }];
  const got = run(sortOpOf(keys, 1_000_000), batchesOf(S, rows, [1000]));
  assert.deepEqual(got.rows, naiveSort(rows, keys));
});
