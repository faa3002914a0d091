import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, lit } from '../../../src/frame/expr/functions.js';
import { batchOf, evalExpr } from './helpers.js';

// Every combination of true, false, null on two sides.
const T = true, F = false, N = null;
const a = [T, T, T, F, F, F, N, N, N];
const c = [T, F, N, T, F, N, T, F, N];
const b = batchOf({ a: ['bool', a], c: ['bool', c] });

test('AND is three-valued: false wins over null', () => {
  assert.deepEqual(evalExpr(col('a').and(col('c')), b), [T, F, N, F, F, F, N, F, N]);
});

test('OR is three-valued: true wins over null', () => {
  assert.deepEqual(evalExpr(col('a').or(col('c')), b), [T, T, T, T, F, N, T, N, N]);
});

test('NOT null is null; IS NULL / IS NOT NULL are never null', () => {
  assert.deepEqual(evalExpr(col('a').not(), b), [F, F, F, T, T, T, N, N, N]);
  assert.deepEqual(evalExpr(col('c').isNull(), b), c.map((x) => x === null));
  assert.deepEqual(evalExpr(col('c').isNotNull(), b), c.map((x) => x !== null));
});

test('constants and the null literal in logic', () => {
  assert.deepEqual(evalExpr(col('a').and(lit(null)), b), [N, N, N, F, F, F, N, N, N]);
  assert.deepEqual(evalExpr(col('a').or(true), b), a.map(() => T));
  const noNulls = batchOf({ x: ['bool', [T, F]], y: ['bool', [F, F]] });
  assert.deepEqual(evalExpr(col('x').or(col('y')), noNulls), [T, F]);
  assert.deepEqual(evalExpr(col('x').and(col('y')).not(), noNulls), [T, T]);
});

test('logic on non-booleans is an error', () => {
  const n = batchOf({ x: ['int32', [1]] });
  assert.throws(() => evalExpr(col('x').and(true), n), /expected a boolean, got int32/);
});
