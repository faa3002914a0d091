import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import type { JoinType } from '../../../src/frame/logical/plan.js';
import type { PhysOp } from '../../../src/frame/physical/ops.js';
import type { Schema } from '../../../src/frame/types.js';
import { hashJoin } from '../../../src/exec/frame/hash-join.js';
import { sliceBatch } from '../../../src/frame/batch/batch.js';
import { batchesOf, bin, canon, col, rowFingerprint, rowsOf, schemaOf, testCtx, type Row } from './join-sort-helpers.js';

const L = schemaOf('l', ['int32', 'string', 'float64']);
const R = schemaOf('r', ['float64', 'string', 'int32']);
const JOIN_TYPES: JoinType[] = ['inner', 'left', 'right', 'full', 'semi', 'anti', 'mark'];

type HashJoinOp = Extract<PhysOp, { op: 'hashJoin' }>;

function joinOp(type: JoinType, keys: number[][], filter: ExprNode | null, build: 'left' | 'right'): HashJoinOp {
  const fields = type === 'mark' ? [...L.fields, { name: 'm', type: 'bool' as const, nullable: false }] : type === 'semi' || type === 'anti' ? L.fields : [...L.fields, ...R.fields];
  const scan = (schema: Schema): PhysOp => ({ op: 'scan', schema, scan: { kind: 'memory', partitions: [] } });
  return {
    op: 'hashJoin',
    schema: { fields },
    left: scan(L),
    right: scan(R),
    type,
    leftKeys: keys.map(([l]) => col(l!)),
    rightKeys: keys.map(([, r]) => col(r!)),
    filter,
    build,
  };
}

/** SQL join of JS rows, pair by pair: null keys never match; `pred` decides the rest. */
function naiveJoin(type: JoinType, left: Row[], right: Row[], keys: number[][], pred: ((l: Row, r: Row) => boolean) | null): Row[] {
  const match = (l: Row, r: Row): boolean => keys.every(([a, b]) => l[a!] !== null && r[b!] !== null && l[a!] === r[b!]) && (pred === null || pred(l, r));
  const out: Row[] = [];
  const rightMatched = new Set<number>();
  const nullsL = L.fields.map(() => null);
  const nullsR = R.fields.map(() => null);
  for (const l of left) {
    let any = false;
    right.forEach((r, j) => {
      if (!match(l, r)) return;
      any = true;
      rightMatched.add(j);
      if (type !== 'semi' && type !== 'anti' && type !== 'mark') out.push([...l, ...r]);
    });
    if ((type === 'semi' && any) || (type === 'anti' && !any)) out.push(l);
    if (type === 'mark') out.push([...l, any]);
    if (!any && (type === 'left' || type === 'full')) out.push([...l, ...nullsR]);
  }
  if (type === 'right' || type === 'full') right.forEach((r, j) => rightMatched.has(j) || out.push([...nullsL, ...r]));
  return out;
}

function run(op: HashJoinOp, left: ColumnBatch[], right: ColumnBatch[], limit = Infinity) {
  return runWith(rowsOf, op, left, right, limit);
}

/** Runs the join under a fresh context, checks it cleaned up, and reads the output with `read`. */
function runWith<T>(read: (s: Iterable<ColumnBatch>) => T, op: HashJoinOp, left: ColumnBatch[], right: ColumnBatch[], limit = Infinity) {
  const ctx = testCtx(limit);
  try {
    const rows = read(hashJoin(op, () => left, () => right, ctx));
    assert.equal(ctx.budget.used(), 0, 'reservations released');
    assert.deepEqual(readdirSync(ctx.spillDir), [], 'spill files deleted');
    return { rows, metrics: ctx.metrics, peak: ctx.budget.peak() };
  } finally {
    ctx.dispose();
  }
}

const key = fc.option(fc.integer({ min: 0, max: 4 }), { nil: null, freq: 5 });
const str = fc.option(fc.constantFrom('a', 'b', 'c', 'δ'), { nil: null, freq: 5 });
const leftRow = fc.tuple(key, str, fc.option(fc.integer({ min: 0, max: 9 }), { nil: null, freq: 6 }));
const rightRow = fc.tuple(key, str, fc.option(fc.integer({ min: 0, max: 9 }), { nil: null, freq: 6 }));
const sizes = fc.array(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 4 });

test('random tables with duplicate and null keys join like a naive nested loop (property)', () => {
  fc.assert(
    fc.property(
      fc.array(leftRow, { maxLength: 25 }),
      fc.array(rightRow, { maxLength: 25 }),
      fc.constantFrom(...JOIN_TYPES),
      fc.constantFrom<'left' | 'right'>('left', 'right'),
      fc.constantFrom<number[][]>([[0, 0]], [[0, 0], [1, 1]], [[1, 1]]),
      fc.boolean(),
      sizes,
      sizes,
      (lrows, rrows, type, build, keys, filtered, ls, rs) => {
        // filter: l.v < r.w (nulls never pass)
        const filter = filtered ? bin('<', col(2), col(5)) : null;
        const pred = filtered ? (l: Row, r: Row) => l[2] !== null && r[2] !== null && (l[2] as number) < (r[2] as number) : null;
        const got = run(joinOp(type, keys, filter, build), batchesOf(L, lrows, ls), batchesOf(R, rrows, rs)).rows;
        assert.deepEqual(canon(got), canon(naiveJoin(type, lrows, rrows, keys, pred)));
      },
    ),
    { numRuns: 300 },
  );
});

test('int32 keys match float64 keys by value; strings match across dictionaries', () => {
  const left = batchesOf(L, [[1, 'x', 0], [2, 'y', 0], [3, 'z', 0]], [1]);
  const right = batchesOf(R, [[2.0, 'y', 1], [3.5, 'z', 2], [1, 'q', 3], [1, 'x', 4]], [2]);
  const got = run(joinOp('inner', [[0, 0], [1, 1]], null, 'right'), left, right).rows;
  assert.deepEqual(canon(got), canon([[1, 'x', 0, 1, 'x', 4], [2, 'y', 0, 2, 'y', 1]]));
});

test('string keys over batches that share one dictionary (slices of a table) join like the naive join', () => {
  const words = ['a', 'b', 'c', 'δ', 'e'];
  const lrows: Row[] = Array.from({ length: 60 }, (_, i) => [i % 4, i % 7 === 0 ? null : words[i % 5]!, i]);
  const rrows: Row[] = Array.from({ length: 30 }, (_, i) => [i % 3, words[(i * 2) % 4]!, i]);
  // One batch each, then sliced: every slice keeps its table's dictionary.
  const slices = (b: ColumnBatch, size: number) => Array.from({ length: Math.ceil(b.numRows / size) }, (_, k) => sliceBatch(b, k * size, (k + 1) * size));
  const left = slices(batchesOf(L, lrows)[0]!, 7);
  const right = slices(batchesOf(R, rrows)[0]!, 4);
  for (const build of ['left', 'right'] as const) {
    for (const type of ['inner', 'left', 'anti'] as const) {
      const got = run(joinOp(type, [[1, 1]], null, build), left, right).rows;
      assert.deepEqual(canon(got), canon(naiveJoin(type, lrows, rrows, [[1, 1]], null)), `${type}, build ${build}`);
    }
  }
});

test('the probe side streams lazily and is opened once, after the build side', () => {
  const order: string[] = [];
  const left = batchesOf(L, [[1, 'a', 1]]);
  const right = batchesOf(R, [[1, 'a', 1]]);
  const op = joinOp('inner', [[0, 0]], null, 'right');
  const ctx = testCtx();
  const stream = hashJoin(op, () => (order.push('left'), left), () => (order.push('right'), right), ctx);
  assert.deepEqual(order, [], 'nothing opened before iteration');
  assert.equal(rowsOf(stream).length, 1);
  assert.deepEqual(order, ['right', 'left']);
  ctx.dispose();
});

function bigTables(buildRows: number, probeRows: number): { left: ColumnBatch[]; right: ColumnBatch[] } {
  let seed = 7;
  const rnd = (n: number): number => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 8) % n;
  const lrows: Row[] = Array.from({ length: probeRows }, (_, i) => [rnd(10) === 0 ? null : rnd(60_000), `s${rnd(50)}`, i]);
  const rrows: Row[] = Array.from({ length: buildRows }, (_, i) => [rnd(10) === 0 ? null : rnd(60_000), `s${rnd(50)}`, i]);
  return { left: batchesOf(L, lrows, [4096]), right: batchesOf(R, rrows, [4096]) };
}

test('a 64 KiB budget spills a ~100k-row build side (grace hash join) with the same result, for every join type', () => {
  const { left, right } = bigTables(100_000, 10_000);
  for (const type of JOIN_TYPES) {
    const op = joinOp(type, [[0, 0]], null, 'right');
    const small = runWith(rowFingerprint, op, left, right, 64 * 1024);
    const big = runWith(rowFingerprint, op, left, right);
    assert.ok(small.metrics.spills > 1 && small.metrics.spilledBytes > 0, `${type}: spilled`);
    assert.equal(big.metrics.spills, 0, `${type}: no spill without a limit`);
    assert.ok(small.peak <= 64 * 1024, `${type}: peak ${small.peak} within the budget`);
    assert.ok(big.rows.length > 1000, `${type}: a real result (${big.rows.length} rows)`);
    assert.equal(small.rows.length, big.rows.length, `${type}: row count`);
    assert.deepEqual(small.rows, big.rows, `${type}: same rows (content hashes)`);
  }
});

test('a grace join with a residual filter and a left build side equals the in-memory one', () => {
  const { left, right } = bigTables(30_000, 30_000);
  for (const type of ['full', 'anti', 'mark'] as JoinType[]) {
    const op = joinOp(type, [[0, 0], [1, 1]], bin('<', col(2), col(5)), 'left');
    const small = run(op, left, right, 64 * 1024);
    assert.ok(small.metrics.spills > 0);
    assert.deepEqual(canon(small.rows), canon(run(op, left, right).rows), type);
  }
});

test('one hot key that no re-partitioning can split still joins (forced in memory at the last level)', () => {
  const rrows: Row[] = Array.from({ length: 20_000 }, (_, i) => [5, 'k', i]);
  const lrows: Row[] = [[5, 'k', 0], [6, 'k', 1]];
  const op = joinOp('left', [[0, 0]], null, 'right');
  const got = run(op, batchesOf(L, lrows), batchesOf(R, rrows, [2048]), 16 * 1024);
  assert.equal(got.rows.length, 20_001);
  assert.ok(got.metrics.spills > 0);
});

test('keys of mismatched arity are rejected', () => {
  const op = { ...joinOp('inner', [[0, 0]], null, 'right'), rightKeys: [] };
  const ctx = testCtx();
  assert.throws(() => hashJoin(op, () => [], () => [], ctx), /1 left key\(s\) but 0 right key\(s\)/);
  ctx.dispose();
});
