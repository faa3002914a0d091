import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, lit } from '../../../src/frame/expr/functions.js';
import { batchOf, days, evalExpr, evalVector } from './helpers.js';

const b = batchOf({
  i: ['int32', [1, 2, null, 4]],
  f: ['float64', [1, 2.5, 3, null]],
  s: ['string', ['b', 'a', null, 'c']],
  t: ['string', ['a', 'a', 'x', 'c']],
  d: ['date', [days('2024-01-01'), days('2024-06-01'), null, days('2023-12-31')]],
  ok: ['bool', [true, false, null, true]],
});

test('numeric comparisons across int and float, with nulls', () => {
  assert.deepEqual(evalExpr(col('i').eq(col('f')), b), [true, false, null, null]);
  assert.deepEqual(evalExpr(col('i').lt(col('f')), b), [false, true, null, null]);
  assert.deepEqual(evalExpr(col('i').ge(2), b), [false, true, null, true]);
  assert.deepEqual(evalExpr(lit(2).gt(col('i')), b), [true, false, null, false]);
  assert.deepEqual(evalExpr(col('i').ne(lit(null)), b), [null, null, null, null]);
  assert.equal(evalVector(col('i').le(col('f')), b).type, 'bool');
});

test('string column vs literal and vs another string column', () => {
  assert.deepEqual(evalExpr(col('s').eq('a'), b), [false, true, null, false]);
  assert.deepEqual(evalExpr(col('s').gt('a'), b), [true, false, null, true]);
  assert.deepEqual(evalExpr(lit('b').le(col('s')), b), [true, false, null, true]);
  assert.deepEqual(evalExpr(col('s').eq(col('t')), b), [false, true, null, true]);
  assert.deepEqual(evalExpr(col('s').lt(col('t')), b), [false, false, null, false]);
});

test('a string column with a large dictionary still compares by value', () => {
  const many = Array.from({ length: 50 }, (_, k) => `v${k % 7}`);
  const m = batchOf({ s: ['string', many] });
  assert.deepEqual(evalExpr(col('s').eq('v3'), m), many.map((v) => v === 'v3'));
});

test('dates compare with date strings (the literal converts to a date)', () => {
  assert.deepEqual(evalExpr(col('d').ge('2024-01-01'), b), [true, true, null, false]);
  assert.deepEqual(evalExpr(col('d').eq(lit('2024-06-01')), b), [false, true, null, false]);
});

test('booleans compare false < true; incomparable types are an error', () => {
  assert.deepEqual(evalExpr(col('ok').eq(true), b), [true, false, null, true]);
  assert.deepEqual(evalExpr(col('ok').lt(true), b), [false, true, null, false]);
  assert.throws(() => evalExpr(col('s').eq(1), b), /cannot compare string with int32/);
});
