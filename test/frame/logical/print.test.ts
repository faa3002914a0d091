import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import { printExpr, printPlan } from '../../../src/frame/logical/print.js';
import { agg, aggregate, and, as, bin, col, eq, filter, gt, join, limit, lit, not, project, scan, sort, text } from '../optimizer/plans.js';

test('printPlan: indented tree, one line per node, scan projection and filters', () => {
  const people = scan('people', ['age:int32', 'city:string', 'salary:float64']);
  const withPushdown = { ...people, projection: ['age', 'city', 'salary'], filters: [gt(col('age'), lit(25))] } as typeof people;
  const plan = project(
    aggregate(filter(withPushdown, gt(col('age'), lit(25))), [col('city')], [agg('avg', col('salary'))]),
    col('city'),
    as(agg('avg', col('salary')), 'avg_salary'),
  );
  assert.equal(
    printPlan(plan),
    text(`
      Projection: city, avg(salary) AS avg_salary
        Aggregate: groupBy=[city], aggr=[avg(salary)]
          Filter: age > 25
            Scan: people rows=100 projection=[age, city, salary] filters=[age > 25]`),
  );
});

test('printPlan: join, sort and limit lines', () => {
  const j = { ...join(scan('a', ['k:int32']), scan('b', ['k:int32'], 7), 'inner', eq(col('k', 'a'), col('k', 'b'))), strategy: 'broadcast' as const };
  const plan = limit(sort(j, col('k', 'a'), false), 10);
  assert.equal(
    printPlan(plan),
    text(`
      Limit: n=10 offset=0
        Sort: a.k DESC NULLS FIRST
          Join: type=inner on=a.k = b.k strategy=broadcast
            Scan: a rows=100
            Scan: b rows=7`),
  );
});

test('printExpr: literals, precedence, null checks, CASE, IN, LIKE, casts', () => {
  assert.equal(printExpr(lit("it's")), "'it''s'");
  assert.equal(printExpr(lit(null)), 'NULL');
  assert.equal(printExpr(bin('*', bin('+', col('a'), lit(1)), col('b'))), '(a + 1) * b');
  assert.equal(printExpr(bin('-', col('a'), bin('-', col('b'), col('c')))), 'a - (b - c)');
  assert.equal(printExpr(bin('or', and(col('x'), col('y')), col('z'))), 'x AND y OR z');
  assert.equal(printExpr(and(bin('or', col('x'), col('y')), col('z'))), '(x OR y) AND z');
  assert.equal(printExpr(not(gt(col('a'), lit(1)))), 'NOT (a > 1)');
  assert.equal(printExpr({ kind: 'unary', op: 'isNull', arg: col('a', 't') }), 't.a IS NULL');
  const caseExpr: ExprNode = { kind: 'case', branches: [{ when: gt(col('a'), lit(0)), then: lit('pos') }], otherwise: lit('neg') };
  assert.equal(printExpr(caseExpr), "CASE WHEN a > 0 THEN 'pos' ELSE 'neg' END");
  assert.equal(printExpr({ kind: 'in', arg: col('a'), list: [lit(1), lit(2)], negated: true }), 'a NOT IN (1, 2)');
  assert.equal(printExpr({ kind: 'like', arg: col('s'), pattern: 'a%', negated: false, caseInsensitive: true }), "s ILIKE 'a%'");
  assert.equal(printExpr({ kind: 'cast', arg: lit('2024-01-01'), to: 'date' }), "CAST('2024-01-01' AS DATE)");
  assert.equal(printExpr({ kind: 'agg', fn: 'count_star', args: [], distinct: false, params: [] }), 'count(*)');
  assert.equal(printExpr({ kind: 'agg', fn: 'count', args: [col('a')], distinct: true, params: [] }), 'count(DISTINCT a)');
  assert.equal(printExpr({ kind: 'outer', name: 'k', qualifier: 't' }), 'outer(t.k)');
});

test('printPlan: subqueries of a filter are printed under it', () => {
  const sub = project(scan('s', ['y:int32']), col('y'));
  const plan = filter(scan('t', ['x:int32']), { kind: 'inSubquery', arg: col('x'), plan: sub, negated: false });
  assert.equal(
    printPlan(plan),
    text(`
      Filter: x IN (<subquery>)
        Subquery:
          Projection: y
            Scan: s rows=100
        Scan: t rows=100`),
  );
});
