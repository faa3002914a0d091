/**
 * Operators over batches without columns: only their row counts carry information
 * (`SELECT count(*) FROM a CROSS JOIN b`, `df.select().distinct()`), and each operator must keep them.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { makeBatch } from '../../../src/frame/batch/batch.js';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import type { JoinType } from '../../../src/frame/logical/plan.js';
import type { PhysOp } from '../../../src/frame/physical/ops.js';
import { dedup } from '../../../src/exec/frame/dedup.js';
import { deleteRun, PartitionedSpillWriter, readSpilledRun, writeBatchesToSpill } from '../../../src/exec/frame/ipc-spill.js';
import { limitOp } from '../../../src/exec/frame/limit.js';
import { nestedLoopJoin } from '../../../src/exec/frame/nested-loop-join.js';
import { sortOp } from '../../../src/exec/frame/sort.js';
import { testCtx } from './join-sort-helpers.js';

const NONE = { fields: [] };
const SCAN: PhysOp = { op: 'scan', schema: NONE, scan: { kind: 'memory', partitions: [] } };

/** Column-less batches holding `total` rows, cut at `sizes` (cycled); empty batches in between. */
function batches(total: number, sizes: readonly number[]): ColumnBatch[] {
  const out: ColumnBatch[] = [makeBatch(NONE, [], 0)];
  for (let at = 0, k = 0; at < total; k++) {
    const n = Math.min(total - at, sizes[k % sizes.length]!);
    out.push(makeBatch(NONE, [], n), makeBatch(NONE, [], 0));
    at += n;
  }
  return out;
}

function rows(stream: Iterable<ColumnBatch>): number {
  let n = 0;
  for (const b of stream) {
    assert.equal(b.columns.length, 0);
    n += b.numRows;
  }
  return n;
}

const COUNTS = [0, 1, 3, 40];

test('nested-loop joins of column-less sides give the rows of every join type', () => {
  const expected = (type: JoinType, l: number, r: number): number => {
    switch (type) {
      case 'semi':
        return r > 0 ? l : 0;
      case 'anti':
        return r > 0 ? 0 : l;
      case 'left':
        return r > 0 ? l * r : l;
      case 'right':
        return l > 0 ? l * r : r;
      case 'full':
        return l > 0 && r > 0 ? l * r : l + r;
      default:
        return l * r;
    }
  };
  for (const type of ['inner', 'cross', 'left', 'right', 'full', 'semi', 'anti'] as JoinType[]) {
    for (const l of COUNTS) {
      for (const r of COUNTS) {
        const op: Extract<PhysOp, { op: 'nestedLoopJoin' }> = { op: 'nestedLoopJoin', schema: NONE, left: SCAN, right: SCAN, type, filter: null };
        const ctx = testCtx();
        try {
          const got = rows(nestedLoopJoin(op, () => batches(l, [2, 7]), () => batches(r, [3]), ctx));
          assert.equal(got, expected(type, l, r), `${type} join of ${l} × ${r} rows`);
        } finally {
          ctx.dispose();
        }
      }
    }
  }
});

test('dedup of column-less rows keeps one row when there is any; limit counts rows without columns', () => {
  const ctx = testCtx();
  try {
    for (const n of COUNTS) {
      const op: Extract<PhysOp, { op: 'dedup' }> = { op: 'dedup', schema: NONE, input: SCAN, keys: [] };
      assert.equal(rows(dedup(op, batches(n, [1, 5]), ctx)), n > 0 ? 1 : 0);
      for (const [limit, offset] of [[0, 0], [2, 0], [5, 3], [100, 1]] as const) {
        const lop: Extract<PhysOp, { op: 'limit' }> = { op: 'limit', schema: NONE, input: SCAN, n: limit, offset };
        assert.equal(rows(limitOp(lop, batches(n, [2, 3]))), Math.max(0, Math.min(limit, n - offset)), `limit ${limit} offset ${offset} of ${n}`);
      }
    }
  } finally {
    ctx.dispose();
  }
});

test('sorting column-less rows by a constant keeps every row, in memory, as top-k and through spilled runs', () => {
  const key = { expr: { kind: 'literal' as const, value: 1, type: 'int32' as const }, ascending: true, nullsFirst: false };
  for (const budget of [Infinity, 1]) {
    const ctx = testCtx(budget);
    try {
      for (const n of [...COUNTS, 5000]) {
        const op: Extract<PhysOp, { op: 'sort' }> = { op: 'sort', schema: NONE, input: SCAN, keys: [key] };
        assert.equal(rows(sortOp(op, batches(n, [700, 300]), ctx)), n, `sort of ${n} rows, budget ${budget}`);
        assert.equal(rows(sortOp({ ...op, limit: 10 }, batches(n, [700]), ctx)), Math.min(10, n));
      }
      if (budget === 1) assert.ok(ctx.metrics.spills > 0, 'a 1-byte budget spills sort runs');
    } finally {
      ctx.dispose();
    }
  }
});

test('spill runs of column-less batches read back with their row counts', () => {
  const ctx = testCtx();
  try {
    const input = batches(1234, [100, 1, 33]);
    const run = writeBatchesToSpill(ctx.spillDir, 'none', input);
    assert.equal(run.rows, 1234);
    assert.deepEqual([...readSpilledRun(run)].map((b) => b.numRows), input.filter((b) => b.numRows > 0).map((b) => b.numRows));
    deleteRun(run);
    const w = new PartitionedSpillWriter(ctx.spillDir, 'parts', 3);
    input.forEach((b, i) => w.append(i % 3, b));
    const runs = w.close();
    runs.forEach((r, p) => assert.equal(rows(readSpilledRun(r)), input.filter((_, i) => i % 3 === p).reduce((s, b) => s + b.numRows, 0)));
    deleteRun(runs[0]!);
  } finally {
    ctx.dispose();
  }
});
