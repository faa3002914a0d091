import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogicalPlan } from '../../../src/frame/logical/plan.js';
import { outputSchema } from '../../../src/frame/logical/schema.js';
import { agg, aggregate, alias, as, bin, col, eq, join, lit, project, scan, union } from '../optimizer/plans.js';

const t = scan('t', ['k:int32', 'v:float64?', 's:string']);
const u = scan('u', ['k:int64', 'w:string']);

const describe = (p: LogicalPlan): string => outputSchema(p).fields.map((f) => `${f.name}:${typeof f.type === 'object' ? 'list' : f.type}${f.nullable ? '?' : ''}`).join(', ');

test('projection names: alias, else the default name; types inferred', () => {
  assert.equal(describe(project(t, col('k'), as(bin('*', col('k'), lit(2)), 'k2'), bin('+', col('v'), lit(1)))), 'k:int32, k2:int32, (v + 1):float64?');
});

test('scan projection picks and orders columns', () => {
  assert.equal(describe({ ...t, projection: ['s', 'k'] } as LogicalPlan), 's:string, k:int32');
});

test('aggregate: group keys then aggregates, count is never null', () => {
  assert.equal(describe(aggregate(t, [col('s')], [agg('sum', col('k')), agg('count', col('v')), agg('avg', col('k'))])), 's:string, sum(k):int64?, count(v):int64, avg(k):float64?');
});

test('joins: outer sides become nullable, semi outputs the left side, same names resolved by qualifier', () => {
  const on = eq(col('k', 't'), col('k', 'u'));
  assert.equal(describe(join(t, u, 'left', on)), 'k:int32, v:float64?, s:string, k:int64?, w:string?');
  assert.equal(describe(join(t, u, 'full', on)), 'k:int32?, v:float64?, s:string?, k:int64?, w:string?');
  assert.equal(describe(join(t, u, 'semi', on)), 'k:int32, v:float64?, s:string');
  const projected = project(join(t, u, 'inner', on), col('k', 'u'), col('k', 't'));
  assert.equal(describe(projected), 'k:int64, k:int32');
});

test('using join outputs the key once, with the common type', () => {
  const j: LogicalPlan = { kind: 'join', left: t, right: u, type: 'inner', on: null, using: ['k'] };
  assert.equal(describe(j), 'k:int64, v:float64?, s:string, w:string');
});

test('union takes the first input names and the common column types', () => {
  const a = project(t, col('k'));
  const b = project(alias(u, 'x'), as(col('k'), 'other'));
  assert.equal(describe(union(true, a, b)), 'k:int64');
});
