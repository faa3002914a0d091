import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, lit } from '../../../src/frame/expr/functions.js';
import { Expr } from '../../../src/frame/expr/expr-builder.js';
import { likeToRegExp } from '../../../src/frame/expr/like.js';
import { batchOf, evalExpr } from './helpers.js';

const b = batchOf({
  s: ['string', ['apple', 'Apricot', 'banana', null, 'a.c', 'a\nc']],
  x: ['int32', [1, 2, 3, null, 5, 6]],
  y: ['int32', [1, 0, null, 4, 5, null]],
});

test('LIKE: % and _ wildcards, literal regex characters, newlines', () => {
  assert.deepEqual(evalExpr(col('s').like('a%'), b), [true, false, false, null, true, true]);
  assert.deepEqual(evalExpr(col('s').like('a_c'), b), [false, false, false, null, true, true]);
  assert.deepEqual(evalExpr(col('s').like('a.c'), b), [false, false, false, null, true, false]);
  assert.deepEqual(evalExpr(col('s').ilike('AP%'), b), [true, true, false, null, false, false]);
  assert.deepEqual(evalExpr(col('s').notLike('%an%'), b), [true, true, false, null, true, true]);
  assert.ok(likeToRegExp('a\\_b', false, '\\').test('a_b'));
  assert.ok(!likeToRegExp('a\\_b', false, '\\').test('axb'));
});

test('IN over constants: true on a match, null when no match and a null in the list', () => {
  assert.deepEqual(evalExpr(col('x').isin(1, 3), b), [true, false, true, null, false, false]);
  assert.deepEqual(evalExpr(col('x').isin([1, null]), b), [true, null, null, null, null, null]);
  assert.deepEqual(evalExpr(col('s').isin('apple', 'a.c'), b), [true, false, false, null, true, false]);
  assert.deepEqual(evalExpr(col('x').isin(2.0, 5.5), b), [false, true, false, null, false, false]);
});

test('NOT IN and IN with column elements', () => {
  const notIn = new Expr({ kind: 'in', arg: col('x').node, list: [lit(1).node, lit(3).node], negated: true });
  assert.deepEqual(evalExpr(notIn, b), [false, true, false, null, true, true]);
  const notInWithNull = new Expr({ kind: 'in', arg: col('x').node, list: [lit(1).node, lit(null).node], negated: true });
  assert.deepEqual(evalExpr(notInWithNull, b), [false, null, null, null, null, null]);
  assert.deepEqual(evalExpr(col('x').isin(col('y'), lit(3)), b), [true, false, true, null, true, null]);
});

test('between includes both ends', () => {
  assert.deepEqual(evalExpr(col('x').between(2, 5), b), [false, true, true, null, true, false]);
});
