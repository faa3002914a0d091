import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, concat, length, lit, lower, ltrim, regexpExtract, rtrim, split, substring, trim, upper } from '../../../src/frame/expr/functions.js';
import { substringOf } from '../../../src/frame/expr/string-functions.js';
import { batchOf, evalExpr, evalVector } from './helpers.js';

const names = ['Ann', 'bob', 'ANN', null, 'ann', 'Bob'];
const b = batchOf({ s: ['string', names], pad: ['string', ['  x ', 'y', null, ' z', 'w ', '']] });

test('string functions on a dictionary column run once per entry and keep codes (deduplicated dictionary)', () => {
  const v = evalVector(lower('s'), b);
  assert.deepEqual(v.dict, ['ann', 'bob']);
  assert.deepEqual(Array.from(v.values!).filter((_, i) => i !== 3), [0, 1, 0, 0, 1]);
  assert.equal(v.nullCount, 1);
  assert.deepEqual(evalExpr(upper(col('s')), b), ['ANN', 'BOB', 'ANN', null, 'ANN', 'BOB']);
});

test('trim, ltrim, rtrim, length (code points)', () => {
  assert.deepEqual(evalExpr(trim('pad'), b), ['x', 'y', null, 'z', 'w', '']);
  assert.deepEqual(evalExpr(ltrim('pad'), b), ['x ', 'y', null, 'z', 'w ', '']);
  assert.deepEqual(evalExpr(rtrim('pad'), b), ['  x', 'y', null, ' z', 'w', '']);
  assert.deepEqual(evalExpr(length('pad'), b), [4, 1, null, 2, 2, 0]);
  assert.deepEqual(evalExpr(length(lit('h😀')), b).slice(0, 1), [2]);
});

test('substring follows Spark for zero, negative start and negative length', () => {
  assert.equal(substringOf('hello', 0, 2), 'he'); // DuckDB: 'h'
  assert.equal(substringOf('hello', -3, 2), 'll');
  assert.equal(substringOf('hello', 2), 'ello');
  assert.equal(substringOf('hello', 1, -1), '');
  assert.equal(substringOf('hello', 4, 10), 'lo');
  assert.deepEqual(evalExpr(substring('s', 1, 2), b), ['An', 'bo', 'AN', null, 'an', 'Bo']);
  // A column start position goes through the row-by-row path.
  const pos = batchOf({ s: ['string', ['abc', 'abc', 'abc']], p: ['int32', [1, 2, null]] });
  assert.deepEqual(evalExpr(substring('s', 'p'), pos), ['abc', 'bc', null]);
});

test('concat skips nulls and converts other types; || is null when a side is null', () => {
  const c = batchOf({ a: ['string', ['x', null, 'z']], n: ['int32', [1, 2, null]] });
  assert.deepEqual(evalExpr(concat('a', 'n'), c), ['x1', '2', 'z']);
  assert.deepEqual(evalExpr(concat('a', lit('-'), 'a'), c), ['x-x', '-', 'z-z']);
  assert.deepEqual(evalExpr(col('a').concat('!'), c), ['x!', null, 'z!']);
});

test('regexpExtract gives the group or an empty string; split gives lists', () => {
  const r = batchOf({ s: ['string', ['abc123', 'xyz', null, 'a1b22']] });
  assert.deepEqual(evalExpr(regexpExtract('s', '([a-z]+)(\\d+)', 2), r), ['123', '', null, '1']);
  assert.deepEqual(evalExpr(regexpExtract('s', '\\d+'), r), ['123', '', null, '1']);
  const v = evalVector(split('s', 'b'), r);
  assert.deepEqual(v.type, { list: 'string' });
  assert.deepEqual(v.objects, [['a', 'c123'], ['xyz'], null, ['a1', '22']]);
  assert.throws(() => evalExpr(regexpExtract('s', '('), r), /invalid pattern/);
});

test('string functions reject other types with the signature in the message', () => {
  const n = batchOf({ x: ['int32', [1]] });
  assert.throws(() => evalExpr(lower('x'), n), /lower\(s\): argument 1 must be string, got int32/);
});
