import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import { analyze } from '../../../src/frame/logical/analyzer.js';
import type { LogicalPlan } from '../../../src/frame/logical/plan.js';
import { printPlan } from '../../../src/frame/logical/print.js';
import { outputSchema } from '../../../src/frame/logical/schema.js';
import { decorrelateSubqueries } from '../../../src/frame/optimizer/decorrelate-subqueries.js';
import { defaultOptimizerConfig } from '../../../src/frame/optimizer/rule.js';
import { agg, aggregate, and, col, eq, filter, gt, lit, project, scan, text } from './plans.js';

const t = scan('t', ['k:int32', 'x:int32']);
const s = scan('s', ['y:int32', 'n:int32?']);
const u = scan('u', ['k:int32', 'v:int32']);
const run = (p: LogicalPlan): LogicalPlan => decorrelateSubqueries.apply(analyze(p), defaultOptimizerConfig);
const inSub = (arg: ExprNode, plan: LogicalPlan, negated = false): ExprNode => ({ kind: 'inSubquery', arg, plan, negated });
const exists = (plan: LogicalPlan, negated = false): ExprNode => ({ kind: 'exists', plan, negated });

test('IN (subquery) becomes a semi join on its only column, renamed apart', () => {
  const plan = run(filter(t, and(inSub(col('x'), project(s, col('y'))), gt(col('k'), lit(0)))));
  assert.equal(
    printPlan(plan),
    text(`
      Filter: k > 0
        Join: type=semi on=x = __sq_1
          Scan: t rows=100
          Projection: y AS __sq_1
            Projection: y
              Scan: s rows=100`),
  );
});

test('NOT IN is an anti join; with a nullable side the condition is NULL-aware', () => {
  const plain = run(filter(t, inSub(col('x'), project(s, col('y')), true)));
  assert.equal(printPlan(plain).split('\n')[0], 'Join: type=anti on=x = __sq_1');
  const nullable = run(filter(t, inSub(col('x'), project(s, col('n')), true)));
  assert.equal(printPlan(nullable).split('\n')[0], 'Join: type=anti on=x = __sq_1 OR x IS NULL OR __sq_1 IS NULL');
});

test('correlated EXISTS: correlated conjuncts become the semi join condition, the rest stay inside', () => {
  const sub = project(filter(u, and(eq(col('k', 'u'), col('k', 't')), gt(col('v'), lit(5)))), lit(1));
  const plan = run(filter(t, exists(sub)));
  assert.equal(
    printPlan(plan),
    text(`
      Join: type=semi on=u.k = t.k
        Scan: t rows=100
        Filter: v > 5
          Scan: u rows=100`),
  );
  const anti = run(filter(t, exists(project(filter(u, eq(col('v'), col('x'))), lit(1)), true)));
  assert.equal(
    printPlan(anti),
    text(`
      Join: type=anti on=v = x
        Scan: t rows=100
        Scan: u rows=100`),
  );
});

test('a subquery correlated with its own table is aliased apart', () => {
  const sub = project(filter(t, gt(col('x', 't'), { kind: 'outer', name: 'x', qualifier: 't' })), lit(1));
  const plan = run(filter(t, exists(sub)));
  assert.equal(
    printPlan(plan),
    text(`
      Join: type=semi on=__sq_1.x > t.x
        Scan: t rows=100
        SubqueryAlias: __sq_1
          Scan: t rows=100`),
  );
});

test('an uncorrelated scalar subquery in a comparison becomes a cross join, original columns projected back', () => {
  const max = aggregate(u, [], [agg('max', col('v'))]);
  const before = analyze(filter(t, gt(col('x'), { kind: 'scalarSubquery', plan: max })));
  const plan = decorrelateSubqueries.apply(before, defaultOptimizerConfig);
  assert.equal(
    printPlan(plan),
    text(`
      Projection: k, x
        Filter: x > __sq_1
          Join: type=cross
            Scan: t rows=100
            Projection: max(v) AS __sq_1
              Aggregate: groupBy=[], aggr=[max(v)]
                Scan: u rows=100`),
  );
  assert.deepEqual(outputSchema(plan).fields.map((f) => f.name), outputSchema(before).fields.map((f) => f.name));
});
