import { test } from 'node:test';
import assert from 'node:assert/strict';
import { coalesce, col, lit, when } from '../../../src/frame/expr/functions.js';
import { batchOf, evalExpr, evalVector } from './helpers.js';

const b = batchOf({
  x: ['int32', [1, 5, null, 10]],
  s: ['string', ['a', null, 'b', null]],
  t: ['string', ['z', 'y', null, null]],
});

test('CASE takes the first true branch; null conditions count as false; no ELSE gives null', () => {
  const e = when(col('x').lt(3), 'small').when(col('x').lt(8), 'mid').otherwise('big');
  assert.deepEqual(evalExpr(e, b), ['small', 'mid', 'big', 'big']);
  assert.deepEqual(evalExpr(when(col('x').gt(4), col('x')), b), [null, 5, null, 10]);
});

test('CASE branches are converted to their common type', () => {
  const e = when(col('x').eq(1), 1).otherwise(col('x').divide(4));
  assert.equal(evalVector(e, b).type, 'float64');
  assert.deepEqual(evalExpr(e, b), [1, 1.25, null, 2.5]);
  assert.throws(() => evalExpr(when(col('x').eq(1), 'a').otherwise(1), b), /CASE branches have no common type: string, int32/);
});

test('CASE over string columns merges their dictionaries', () => {
  const e = when(col('s').isNotNull(), col('s')).otherwise(col('t'));
  assert.deepEqual(evalExpr(e, b), ['a', 'y', 'b', null]);
  const v = evalVector(e, b);
  assert.equal(new Set(v.dict).size, v.dict!.length);
});

test('a branch no row takes is not evaluated', () => {
  // 1 / x would be fine; int32 overflow in an untaken branch must not raise.
  const big = batchOf({ x: ['int32', [2 ** 30]] });
  const e = when(col('x').lt(0), col('x').multiply(100)).otherwise(0);
  assert.deepEqual(evalExpr(e, big), [0]);
});

test('coalesce picks the first non-null value per row', () => {
  assert.deepEqual(evalExpr(coalesce('s', 't'), b), ['a', 'y', 'b', null]);
  assert.deepEqual(evalExpr(coalesce('s', 't', lit('-')), b), ['a', 'y', 'b', '-']);
  assert.deepEqual(evalExpr(coalesce('x', lit(0)), b), [1, 5, 0, 10]);
  assert.equal(evalVector(coalesce('x', lit(0.5)), b).type, 'float64');
});
