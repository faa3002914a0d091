import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import type { JoinType } from '../../../src/frame/logical/plan.js';
import type { PhysOp } from '../../../src/frame/physical/ops.js';
import type { Schema } from '../../../src/frame/types.js';
import { nestedLoopJoin } from '../../../src/exec/frame/nested-loop-join.js';
import { batchesOf, bin, canon, col, rowsOf, schemaOf, testCtx, type Row } from './join-sort-helpers.js';

const L = schemaOf('l', ['int32', 'string']);
const R = schemaOf('r', ['int32', 'float64']);

function nljOp(type: JoinType, filter: ExprNode | null): Extract<PhysOp, { op: 'nestedLoopJoin' }> {
  const scan = (schema: Schema): PhysOp => ({ op: 'scan', schema, scan: { kind: 'memory', partitions: [] } });
  const fields = type === 'mark' ? [...L.fields, { name: 'm', type: 'bool' as const, nullable: false }] : type === 'semi' || type === 'anti' ? L.fields : [...L.fields, ...R.fields];
  return { op: 'nestedLoopJoin', schema: { fields }, left: scan(L), right: scan(R), type, filter };
}

/** Reference: every pair, SQL null semantics in `l.0 < r.0`. */
function naive(type: JoinType, left: Row[], right: Row[], pred: ((l: Row, r: Row) => boolean) | null): Row[] {
  const out: Row[] = [];
  const hit = new Set<number>();
  for (const l of left) {
    let any = false;
    right.forEach((r, j) => {
      if (pred && !pred(l, r)) return;
      any = true;
      hit.add(j);
      if (type !== 'semi' && type !== 'anti' && type !== 'mark') out.push([...l, ...r]);
    });
    if ((type === 'semi' && any) || (type === 'anti' && !any)) out.push(l);
    if (type === 'mark') out.push([...l, any]);
    if (!any && (type === 'left' || type === 'full')) out.push([...l, null, null]);
  }
  if (type === 'right' || type === 'full') right.forEach((r, j) => hit.has(j) || out.push([null, null, ...r]));
  return out;
}

const lrow = fc.tuple(fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 5 }), fc.constantFrom('a', 'b'));
const rrow = fc.tuple(fc.option(fc.integer({ min: 0, max: 6 }), { nil: null, freq: 5 }), fc.double({ noNaN: true, min: 0, max: 1 }));

test('range conditions and cross joins match the all-pairs reference for every join type (property)', () => {
  fc.assert(
    fc.property(
      fc.array(lrow, { maxLength: 15 }),
      fc.array(rrow, { maxLength: 15 }),
      fc.constantFrom<JoinType>('inner', 'cross', 'left', 'right', 'full', 'semi', 'anti', 'mark'),
      fc.boolean(),
      fc.integer({ min: 1, max: 5 }),
      (lrows, rrows, type, filtered, size) => {
        const filter = filtered && type !== 'cross' ? bin('<', col(0), col(2)) : null;
        const pred = filter ? (l: Row, r: Row) => l[0] !== null && r[0] !== null && (l[0] as number) < (r[0] as number) : null;
        const ctx = testCtx();
        const got = rowsOf(nestedLoopJoin(nljOp(type, filter), () => batchesOf(L, lrows, [size]), () => batchesOf(R, rrows, [size]), ctx));
        assert.equal(ctx.budget.used(), 0);
        ctx.dispose();
        assert.deepEqual(canon(got), canon(naive(type, lrows, rrows, pred)));
      },
    ),
    { numRuns: 200 },
  );
});

test('a cross join keeps left order, then right order within each left row', () => {
  const ctx = testCtx();
  const got = rowsOf(nestedLoopJoin(nljOp('cross', null), () => batchesOf(L, [[1, 'a'], [2, 'b']]), () => batchesOf(R, [[10, 0.5], [20, 0.25]], [1]), ctx));
  ctx.dispose();
  assert.deepEqual(got, [[1, 'a', 10, 0.5], [1, 'a', 20, 0.25], [2, 'b', 10, 0.5], [2, 'b', 20, 0.25]]);
});
