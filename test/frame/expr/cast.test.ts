import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, lit } from '../../../src/frame/expr/functions.js';
import { formatDouble, parseNumber } from '../../../src/frame/expr/cast.js';
import { batchOf, days, evalExpr, evalVector } from './helpers.js';

const b = batchOf({
  s: ['string', [' 12 ', '1.5', 'x', null, '0x10', '', '1e3', '3000000000']],
});

test('string to numbers: TRY_CAST semantics (unparsable or out of range is null, rounding half away)', () => {
  assert.deepEqual(evalExpr(col('s').cast('int'), b), [12, 2, null, null, 16, null, 1000, null]);
  assert.deepEqual(evalExpr(col('s').cast('bigint'), b), [12, 2, null, null, 16, null, 1000, 3000000000]);
  assert.deepEqual(evalExpr(col('s').cast('double'), b), [12, 1.5, null, null, 16, null, 1000, 3000000000]);
  assert.equal(parseNumber('inf'), Infinity);
  assert.ok(Number.isNaN(parseNumber('NaN')));
  assert.equal(parseNumber('1.2.3'), null);
  assert.equal(parseNumber('-.5'), -0.5);
});

test('doubles to int round half to even (DuckDB); numbers to string as DuckDB prints them', () => {
  const n = batchOf({ f: ['float64', [1.5, -1.5, 2.5, 1e20, null]], i: ['int32', [1, -2, 0, 7, null]] });
  assert.deepEqual(evalExpr(col('f').cast('int'), n), [2, -2, 2, null, null]);
  assert.deepEqual(evalExpr(col('f').cast('bigint'), n), [2, -2, 2, null, null]);
  assert.deepEqual(evalExpr(col('f').cast('string'), n), ['1.5', '-1.5', '2.5', '100000000000000000000', null]);
  assert.deepEqual(evalExpr(col('i').cast('string'), n), ['1', '-2', '0', '7', null]);
  assert.deepEqual(evalExpr(col('i').cast('double'), n), [1, -2, 0, 7, null]);
  assert.equal(evalVector(col('i').cast('double'), n).type, 'float64');
  assert.deepEqual(evalExpr(col('i').cast('boolean'), n), [true, true, false, true, null]);
  assert.equal(formatDouble(1), '1.0');
});

test('bools, dates and timestamps to and from strings', () => {
  const s = batchOf({ s: ['string', ['true', 'F', 'yes', 'maybe', null]] });
  assert.deepEqual(evalExpr(col('s').cast('boolean'), s), [true, false, true, null, null]);
  const d = batchOf({ d: ['date', [days('2024-03-05'), null]], t: ['timestamp', [Date.UTC(2024, 2, 5, 6, 7, 8), null]] });
  assert.deepEqual(evalExpr(col('d').cast('string'), d), ['2024-03-05', null]);
  assert.deepEqual(evalExpr(col('t').cast('string'), d), ['2024-03-05 06:07:08', null]);
  assert.deepEqual(evalExpr(col('t').cast('date'), d), [new Date('2024-03-05'), null]);
  assert.deepEqual(evalExpr(col('d').cast('timestamp'), d), [new Date('2024-03-05'), null]);
  assert.deepEqual(evalExpr(lit('2024-03-05').cast('date').eq(col('d')), d), [true, null]);
  assert.throws(() => evalExpr(col('d').cast('bool'), d), /cannot cast date to bool/);
});
