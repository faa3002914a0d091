import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commonType, inferNullable, inferType, resultTypeOfAgg } from '../../../src/frame/expr/infer-type.js';
import { avg, coalesce, col, collectList, count, length, lit, lower, max, sum, toDate, when, year } from '../../../src/frame/expr/functions.js';
import type { Expr } from '../../../src/frame/expr/expr-builder.js';
import type { Schema } from '../../../src/frame/types.js';

const schema: Schema = {
  fields: [
    { name: 'i', type: 'int32', nullable: false },
    { name: 'l', type: 'int64', nullable: true },
    { name: 'f', type: 'float64', nullable: false },
    { name: 's', type: 'string', nullable: false },
    { name: 'd', type: 'date', nullable: true },
  ],
};
const type = (e: Expr) => inferType(e.node, schema);
const nullable = (e: Expr) => inferNullable(e.node, schema);

test('commonType: numeric widening, null, strings meeting dates, lists', () => {
  assert.equal(commonType('int32', 'int64'), 'int64');
  assert.equal(commonType('int64', 'float64'), 'float64');
  assert.equal(commonType('null', 'string'), 'string');
  assert.equal(commonType('string', 'date'), 'date');
  assert.equal(commonType('timestamp', 'string'), 'timestamp');
  assert.equal(commonType('date', 'timestamp'), 'timestamp');
  assert.equal(commonType('string', 'int32'), null);
  assert.equal(commonType('bool', 'int32'), null);
  assert.deepEqual(commonType({ list: 'int32' }, { list: 'float64' }), { list: 'float64' });
});

test('operator result types (DuckDB semantics)', () => {
  assert.equal(type(col('i').plus(col('i'))), 'int32');
  assert.equal(type(col('i').plus(col('l'))), 'int64');
  assert.equal(type(col('i').divide(col('i'))), 'float64');
  assert.equal(type(col('l').mod(col('i'))), 'int64');
  assert.equal(type(col('i').gt(col('f')).and(col('s').eq('a'))), 'bool');
  assert.equal(type(col('s').concat(col('s'))), 'string');
  assert.equal(type(col('d').plus(1)), 'date');
  assert.equal(type(col('i').negate()), 'int32');
  assert.equal(type(col('i').cast('double').as('x')), 'float64');
  assert.equal(type(when(col('i').gt(0), col('i')).otherwise(col('f'))), 'float64');
  assert.throws(() => type(col('s').minus(1)), /cannot apply - to string and int32/);
  assert.throws(() => type(col('i').and(true)), /left side of AND must be boolean, got int32/);
});

test('function result types come from the registry', () => {
  assert.equal(type(lower('s')), 'string');
  assert.equal(type(length('s')), 'int64');
  assert.equal(type(year('d')), 'int64');
  assert.equal(type(toDate('s')), 'date');
  assert.equal(type(coalesce('i', 'l')), 'int64');
  assert.throws(() => inferType({ kind: 'call', fn: 'nope', args: [] }, schema), /unknown function nope\(\); known functions:/);
});

test('aggregate result types', () => {
  assert.equal(resultTypeOfAgg('count', 'string'), 'int64');
  assert.equal(resultTypeOfAgg('sum', 'int32'), 'int64');
  assert.equal(resultTypeOfAgg('sum', 'float64'), 'float64');
  assert.equal(resultTypeOfAgg('avg', 'int32'), 'float64');
  assert.equal(resultTypeOfAgg('median', 'int64'), 'float64');
  assert.equal(resultTypeOfAgg('max', 'date'), 'date');
  assert.equal(resultTypeOfAgg('count_distinct', 'string'), 'int64');
  assert.deepEqual(resultTypeOfAgg('collect_list', 'string'), { list: 'string' });
  assert.deepEqual(resultTypeOfAgg('top_k', 'float64'), { list: 'float64' });
  assert.throws(() => resultTypeOfAgg('sum', 'string'), /sum\(\) needs a numeric argument, got string/);
  assert.equal(type(sum('i')), 'int64');
  assert.equal(type(avg('l')), 'float64');
  assert.equal(type(count()), 'int64');
  assert.deepEqual(type(collectList('s')), { list: 'string' });
  assert.equal(type(max('s')), 'string');
});

test('nullability', () => {
  assert.equal(nullable(col('i').plus(col('f'))), false);
  assert.equal(nullable(col('i').plus(col('l'))), true);
  assert.equal(nullable(col('i').divide(col('f'))), false);
  assert.equal(nullable(col('i').mod(col('i'))), true);
  assert.equal(nullable(col('l').isNull()), false);
  assert.equal(nullable(coalesce('l', lit(0))), false);
  assert.equal(nullable(coalesce('l', 'd')), true);
  assert.equal(nullable(lower('s')), false);
  assert.equal(nullable(toDate('s')), true);
  assert.equal(nullable(col('s').cast('int')), true);
  assert.equal(nullable(col('i').cast('bigint')), false);
  assert.equal(nullable(when(col('i').gt(0), 1)), true);
  assert.equal(nullable(when(col('i').gt(0), 1).otherwise(2)), false);
  assert.equal(nullable(count('l')), false);
  assert.equal(nullable(sum('i')), true);
});

test('columns resolve by index when bound, by name otherwise', () => {
  assert.equal(inferType({ kind: 'column', name: 'ignored', index: 3 }, schema), 'string');
  assert.throws(() => inferType({ kind: 'column', name: 'zz' }, schema), /column "zz" not found among: i, l, f, s, d/);
});
