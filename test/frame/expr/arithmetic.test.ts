import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, lit } from '../../../src/frame/expr/functions.js';
import { SluiceError } from '../../../src/util/errors.js';
import { batchOf, days, evalExpr, evalVector } from './helpers.js';

const b = batchOf({
  i: ['int32', [7, -7, null, 10, 0]],
  j: ['int32', [2, 3, 4, 0, null]],
  l: ['int64', [2 ** 40, 1, 2, 3, 4]],
  f: ['float64', [1.5, null, -2.25, 0, 8]],
});

test('+ - * keep the common numeric type and propagate nulls', () => {
  const sum = evalVector(col('i').plus(col('j')), b);
  assert.equal(sum.type, 'int32');
  assert.deepEqual(evalExpr(col('i').plus(col('j')), b), [9, -4, null, 10, null]);
  assert.deepEqual(evalExpr(col('i').minus(col('j')), b), [5, -10, null, 10, null]);
  assert.deepEqual(evalExpr(col('i').multiply(col('l')), b), [7 * 2 ** 40, -7, null, 30, 0]);
  assert.equal(evalVector(col('i').multiply(col('l')), b).type, 'int64');
  assert.equal(evalVector(col('i').plus(col('f')), b).type, 'float64');
  assert.deepEqual(evalExpr(col('i').plus(col('f')), b), [8.5, null, null, 10, 8]);
});

test('/ is float64 with IEEE results for 0 divisors (DuckDB); integer % 0 is null, float % 0 NaN', () => {
  const q = evalVector(col('i').divide(col('j')), b);
  assert.equal(q.type, 'float64');
  assert.deepEqual(evalExpr(col('i').divide(col('j')), b), [3.5, -7 / 3, null, Infinity, null]);
  assert.deepEqual(evalExpr(col('i').mod(col('j')), b), [1, -1, null, null, null]);
  assert.deepEqual(evalExpr(col('f').divide(0), b), [Infinity, null, -Infinity, NaN, Infinity]);
  assert.deepEqual(evalExpr(col('l').mod(0), b), [null, null, null, null, null]);
  assert.deepEqual(evalExpr(col('f').mod(0), b), [NaN, null, NaN, NaN, NaN]);
});

test('literals on either side, negation and constant folding', () => {
  assert.deepEqual(evalExpr(lit(100).minus(col('i')), b), [93, 107, null, 90, 100]);
  assert.deepEqual(evalExpr(col('f').negate(), b), [-1.5, null, 2.25, -0, -8]);
  assert.deepEqual(evalExpr(lit(2).multiply(3).plus(col('j')), b), [8, 9, 10, 6, null]);
  assert.deepEqual(evalExpr(lit(null).plus(col('i')), b), [null, null, null, null, null]);
});

test('int32 overflow is an error naming the expression, not a silent wrap', () => {
  const big = batchOf({ x: ['int32', [2 ** 30, 1]] });
  assert.throws(() => evalExpr(col('x').multiply(4), big), (e: Error) => e instanceof SluiceError && /overflow.*\(x \* 4\)/.test(e.message));
  // int64 operands do not overflow at 2^32.
  assert.deepEqual(evalExpr(col('x').cast('bigint').multiply(4), big), [2 ** 32, 4]);
});

test('date + int is a date; date - date is a day count', () => {
  const d = batchOf({ d: ['date', [days('2024-02-28'), null]], e: ['date', [days('2024-01-01'), days('2024-01-01')]] });
  assert.deepEqual(evalExpr(col('d').plus(2), d), [new Date('2024-03-01'), null]);
  assert.deepEqual(evalExpr(col('d').minus(col('e')), d), [58, null]);
  assert.throws(() => evalExpr(col('d').multiply(2), d), /cannot apply \*/);
});

test('strings are not numbers', () => {
  const s = batchOf({ s: ['string', ['a']] });
  assert.throws(() => evalExpr(col('s').plus(1), s), (e: Error) => e instanceof SluiceError && /cannot apply \+ to string and int32/.test(e.message));
});
