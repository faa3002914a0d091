import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { BinaryOp, ExprNode } from '../../../src/frame/expr/expr-node.js';
import { litNode } from '../../../src/frame/expr/expr-builder.js';
import { compileExpr, compilePredicate } from '../../../src/frame/expr/compile.js';
import { batchOf, valuesOf } from './helpers.js';

/**
 * compileExpr against a naive row-by-row evaluator of SQL semantics, over
 * random int32/float64 columns with nulls and random expression trees.
 * An int32 overflow must raise, and only when some value leaves int32 range.
 */

type Row = Record<string, number | null>;
const NUM_OPS: BinaryOp[] = ['+', '-', '*', '/', '%'];
const CMP_OPS: BinaryOp[] = ['=', '!=', '<', '<=', '>', '>='];

/** True when every leaf is an int column or int literal and there is no `/`: the result is an integer type. */
function isInt(e: ExprNode): boolean {
  if (e.kind === 'column') return e.name !== 'b';
  if (e.kind === 'literal') return e.type === 'int32' || e.type === 'null';
  return e.kind === 'binary' && e.op !== '/' && isInt(e.left) && isInt(e.right);
}

/** DuckDB's order of doubles: NaN equals NaN and sorts above everything. */
const order = (a: number, b: number): number => (a < b ? -1 : a > b ? 1 : a === b ? 0 : Number.isNaN(a) ? (Number.isNaN(b) ? 0 : 1) : -1);

function naive(e: ExprNode, row: Row): number | boolean | null {
  switch (e.kind) {
    case 'column':
      return row[e.name]!;
    case 'literal':
      return e.value as number | null;
    case 'unary': {
      const v = naive(e.arg, row);
      return v === null ? null : !v;
    }
    case 'binary': {
      const l = naive(e.left, row);
      const r = naive(e.right, row);
      if (e.op === 'and') return l === false || r === false ? false : l === null || r === null ? null : true;
      if (e.op === 'or') return l === true || r === true ? true : l === null || r === null ? null : false;
      if (l === null || r === null) return null;
      return NUM_OPS.includes(e.op) ? arith(e.op, l as number, r as number, isInt(e)) : compare(e.op, l as number, r as number);
    }
  }
  throw new Error(`unexpected ${e.kind}`);
}

function arith(op: BinaryOp, a: number, b: number, int: boolean): number | null {
  const v = op === '+' ? a + b : op === '-' ? a - b : op === '*' ? a * b : op === '/' ? a / b : int && b === 0 ? null : a % b;
  // Integers have no -0 (JS gives -1 % -1 = -0), which matters when something is divided by it.
  return int && v === 0 ? 0 : v;
}

function compare(op: BinaryOp, a: number, b: number): boolean {
  const c = order(a, b);
  return op === '=' ? c === 0 : op === '!=' ? c !== 0 : op === '<' ? c < 0 : op === '<=' ? c <= 0 : op === '>' ? c > 0 : c >= 0;
}

const column = fc.constantFrom<ExprNode>({ kind: 'column', name: 'a' }, { kind: 'column', name: 'b' }, { kind: 'column', name: 'c' });
const literal = fc.oneof(fc.integer({ min: -10, max: 10 }), fc.constant(null), fc.constant(0.5)).map((v) => litNode(v));

const { num, bool } = fc.letrec<{ num: ExprNode; bool: ExprNode }>((tie) => ({
  num: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    column,
    literal,
    fc.record({ kind: fc.constant('binary' as const), op: fc.constantFrom(...NUM_OPS), left: tie('num'), right: tie('num') }),
  ),
  bool: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ kind: fc.constant('binary' as const), op: fc.constantFrom(...CMP_OPS), left: tie('num'), right: tie('num') }),
    fc.record({ kind: fc.constant('binary' as const), op: fc.constantFrom<BinaryOp>('and', 'or'), left: tie('bool'), right: tie('bool') }),
    fc.record({ kind: fc.constant('unary' as const), op: fc.constant('not' as const), arg: tie('bool') }),
  ),
}));

const depth = (e: ExprNode): number => (e.kind === 'binary' ? 1 + Math.max(depth(e.left), depth(e.right)) : e.kind === 'unary' ? 1 + depth(e.arg) : 0);
const smallInt = fc.option(fc.integer({ min: -100, max: 100 }), { freq: 4 });
const smallFloat = fc.option(fc.double({ min: -1e6, max: 1e6, noNaN: true }), { freq: 4 });
const rows = fc.array(fc.record({ a: smallInt, b: smallFloat, c: smallInt }), { maxLength: 40 });

// -0 and 0 are the same SQL value (and int32 arrays cannot hold -0).
const norm = (xs: unknown[]): unknown[] => xs.map((x) => (x === 0 ? 0 : x));

/** The largest magnitude any subexpression reaches on any row (int32 results beyond 2^31 must raise). */
function largest(e: ExprNode, data: Row[]): number {
  const here = Math.max(0, ...data.map((r) => Math.abs(Number(naive(e, r)))).filter(Number.isFinite));
  if (e.kind === 'binary') return Math.max(here, largest(e.left, data), largest(e.right, data));
  return e.kind === 'unary' ? Math.max(here, largest(e.arg, data)) : here;
}

const batchFrom = (data: Row[]) => batchOf({ a: ['int32', data.map((r) => r.a)], b: ['float64', data.map((r) => r.b)], c: ['int32', data.map((r) => r.c)] });

/** run(), or null after checking that the error it raised is a genuine int32 overflow. */
function unlessOverflow<T>(e: ExprNode, data: Row[], run: () => T): T | null {
  try {
    return run();
  } catch (err) {
    assert.match((err as Error).message, /integer overflow/);
    assert.ok(largest(e, data) > 2 ** 31 - 1, 'overflow raised although no value leaves int32 range');
    return null;
  }
}

function check(e: ExprNode, data: Row[]): void {
  const batch = batchFrom(data);
  const got = unlessOverflow(e, data, () => valuesOf(compileExpr(e, batch.schema)(batch)));
  if (got !== null) assert.deepEqual(norm(got), norm(data.map((r) => naive(e, r))));
}

test('arithmetic matches a row-by-row evaluator', () => {
  fc.assert(fc.property(num.filter((e) => depth(e) <= 4), rows, check), { numRuns: 200 });
});

test('comparisons and three-valued AND/OR/NOT match a row-by-row evaluator', () => {
  fc.assert(fc.property(bool.filter((e) => depth(e) <= 4), rows, check), { numRuns: 200 });
});

test('compilePredicate selects exactly the rows where the naive predicate is true', () => {
  fc.assert(
    fc.property(bool.filter((e) => depth(e) <= 4), rows, (e, data) => {
      const batch = batchFrom(data);
      const sel = unlessOverflow(e, data, () => compilePredicate(e, batch.schema)(batch) ?? data.map((_, i) => i));
      if (sel === null) return;
      const expected = data.flatMap((r, i) => (naive(e, r) === true ? [i] : []));
      assert.deepEqual(Array.from(sel), expected);
    }),
    { numRuns: 150 },
  );
});
