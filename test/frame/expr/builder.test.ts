import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Expr, litNode, toExpr } from '../../../src/frame/expr/expr-builder.js';
import { avg, col, count, countDistinct, lit, percentile, sum, topK, when, concat, substring, stddev, variance } from '../../../src/frame/expr/functions.js';
import { defaultName } from '../../../src/frame/expr/expr-node.js';

test('literals are typed from their JS value', () => {
  assert.deepEqual(litNode(3), { kind: 'literal', value: 3, type: 'int32' });
  assert.deepEqual(litNode(2 ** 40), { kind: 'literal', value: 2 ** 40, type: 'int64' });
  assert.deepEqual(litNode(1.5), { kind: 'literal', value: 1.5, type: 'float64' });
  assert.deepEqual(litNode('x'), { kind: 'literal', value: 'x', type: 'string' });
  assert.deepEqual(litNode(null), { kind: 'literal', value: null, type: 'null' });
  assert.deepEqual(litNode(new Date(5)), { kind: 'literal', value: 5, type: 'timestamp' });
  assert.throws(() => litNode(NaN), /NaN is not a literal/);
});

test('column names: qualified, star, backticks; toExpr reads strings as columns', () => {
  assert.deepEqual(col('t.x').node, { kind: 'column', name: 'x', qualifier: 't' });
  assert.deepEqual(col('`a.b`').node, { kind: 'column', name: 'a.b' });
  assert.deepEqual(col('*').node, { kind: 'star' });
  assert.deepEqual(col('t.*').node, { kind: 'star', qualifier: 't' });
  assert.deepEqual(toExpr('v'), { kind: 'column', name: 'v' });
  assert.deepEqual(toExpr(2), litNode(2));
  assert.deepEqual(toExpr(col('a')), col('a').node);
});

test('operators take plain values as literals and print SQL-like', () => {
  const e = col('a').plus(1).multiply(col('b')).gt(2.5).and(col('s').eq("it's"));
  assert.equal(e.toString(), "(a + 1) * b > 2.5 AND s = 'it''s'");
  assert.equal(col('x').isin(1, 2).not().toString(), 'NOT x IN (1, 2)');
  assert.equal(col('x').between(1, 5).toString(), 'x >= 1 AND x <= 5');
  assert.equal(col('x').cast('bigint').as('y').toString(), 'CAST(x AS INT64) AS y');
  assert.equal(col('s').ilike('a%').toString(), "s ILIKE 'a%'");
  assert.equal(when(col('x').gt(0), 'pos').when(col('x').lt(0), 'neg').otherwise(lit(null)).toString(), "CASE WHEN x > 0 THEN 'pos' WHEN x < 0 THEN 'neg' ELSE NULL END");
  assert.equal(col('a').isNull().or(col('b').isNotNull()).toString(), 'a IS NULL OR b IS NOT NULL');
  assert.equal(substring('s', 2, 3).toString(), 'substring(s, 2, 3)');
  assert.equal(concat('a', lit('-'), 'b').toString(), "concat(a, '-', b)");
});

test('when without otherwise is a CASE expression; otherwise ends it', () => {
  const w = when(col('x').eq(1), 'one');
  assert.ok(w instanceof Expr);
  assert.equal(w.node.kind, 'case');
  assert.equal((w.node as { otherwise?: unknown }).otherwise, undefined);
  assert.equal(w.otherwise('other').toString(), "CASE WHEN x = 1 THEN 'one' ELSE 'other' END");
});

test('alias replaces an alias; sort keys default to DuckDB null order', () => {
  assert.deepEqual(col('x').as('a').as('b').node, { kind: 'alias', arg: col('x').node, name: 'b' });
  assert.deepEqual(col('x').asc(), { expr: col('x').node, ascending: true, nullsFirst: false });
  assert.deepEqual(col('x').desc(), { expr: col('x').node, ascending: false, nullsFirst: true });
  assert.deepEqual(col('x').descNullsLast(), { expr: col('x').node, ascending: false, nullsFirst: false });
  assert.deepEqual(col('x').ascNullsFirst(), { expr: col('x').node, ascending: true, nullsFirst: true });
});

test('aggregate builders make agg nodes with params', () => {
  assert.deepEqual(count().node, { kind: 'agg', fn: 'count_star', args: [], distinct: false, params: [] });
  assert.deepEqual(count('v').node, { kind: 'agg', fn: 'count', args: [col('v').node], distinct: false, params: [] });
  assert.equal(defaultName(sum('v').node), 'sum(v)');
  assert.equal((variance('v').node as { fn: string }).fn, 'var_samp');
  assert.equal((stddev('v').node as { fn: string }).fn, 'stddev_samp');
  assert.deepEqual((percentile('v', 0.9).node as { params: number[] }).params, [0.9]);
  assert.deepEqual((topK('v', 3).node as { params: number[] }).params, [3]);
  assert.equal(avg(col('v').multiply(2)).toString(), 'avg(v * 2)');
  assert.equal(countDistinct('v').toString(), 'count_distinct(v)');
  assert.throws(() => percentile('v', 2), /between 0 and 1/);
  assert.throws(() => topK('v', 0), /positive integer/);
});

test('cast accepts SQL type names and rejects unknown ones', () => {
  assert.deepEqual(col('x').cast('VARCHAR(10)').node, { kind: 'cast', arg: col('x').node, to: 'string' });
  assert.deepEqual(col('x').cast({ list: 'int32' }).node, { kind: 'cast', arg: col('x').node, to: { list: 'int32' } });
  assert.throws(() => col('x').cast('money'), /unknown type "money"/);
});
