import { test } from 'node:test';
import assert from 'node:assert/strict';
import { abs, ceil, col, exp, floor, greatest, least, ln, log10, pow, round, sqrt } from '../../../src/frame/expr/functions.js';
import { roundDecimal } from '../../../src/frame/expr/decimal-round.js';
import { batchOf, evalExpr, evalVector } from './helpers.js';

const b = batchOf({
  i: ['int32', [-3, 15, null, 0]],
  f: ['float64', [-2.5, 2.675, null, 4]],
});

test('abs and round keep integer types; floor/ceil/sqrt are float64', () => {
  assert.equal(evalVector(abs('i'), b).type, 'int32');
  assert.deepEqual(evalExpr(abs('i'), b), [3, 15, null, 0]);
  assert.deepEqual(evalExpr(round('i', -1), b), [0, 20, null, 0]);
  assert.equal(evalVector(round('i'), b).type, 'int32');
  assert.deepEqual(evalExpr(floor('f'), b), [-3, 2, null, 4]);
  assert.deepEqual(evalExpr(ceil('f'), b), [-2, 3, null, 4]);
  assert.equal(evalVector(floor('i'), b).type, 'float64');
});

test('round is half up (away from zero) on the printed decimal, as Spark', () => {
  assert.deepEqual(evalExpr(round('f'), b), [-3, 3, null, 4]);
  assert.deepEqual(evalExpr(round('f', 2), b), [-2.5, 2.68, null, 4]);
  assert.equal(roundDecimal(1.005, 2, false), 1.01); // DuckDB: 1 (the double lies below 1.005)
  assert.equal(roundDecimal(-0.5, 0, false), -1);
  assert.equal(roundDecimal(1234, -2, false), 1200);
});

test('sqrt and logs out of their domain are null (DuckDB raises); pow and exp keep IEEE results', () => {
  assert.deepEqual(evalExpr(sqrt('i'), b), [null, Math.sqrt(15), null, 0]);
  assert.deepEqual(evalExpr(ln('i'), b), [null, Math.log(15), null, null]);
  assert.deepEqual(evalExpr(log10('f'), b), [null, Math.log10(2.675), null, Math.log10(4)]);
  assert.deepEqual(evalExpr(pow('f', 0.5), b), [NaN, Math.sqrt(2.675), null, 2]);
  assert.deepEqual(evalExpr(exp(col('i')), b), [Math.exp(-3), Math.exp(15), null, 1]);
});

test('greatest and least skip nulls and use the common type', () => {
  const v = evalVector(greatest('i', 'f'), b);
  assert.equal(v.type, 'float64');
  assert.deepEqual(evalExpr(greatest('i', 'f'), b), [-2.5, 15, null, 4]);
  assert.deepEqual(evalExpr(least('i', 'f'), b), [-3, 2.675, null, 0]);
  const s = batchOf({ a: ['string', ['a', null]], c: ['string', ['b', 'z']] });
  assert.deepEqual(evalExpr(greatest('a', 'c'), s), ['b', 'z']);
});
