import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/frame/logical/analyzer.js';
import type { LogicalPlan } from '../../../src/frame/logical/plan.js';
import { printPlan } from '../../../src/frame/logical/print.js';
import { pushDownFilter } from '../../../src/frame/optimizer/push-down-filter.js';
import { defaultOptimizerConfig } from '../../../src/frame/optimizer/rule.js';
import { agg, aggregate, alias, and, as, bin, col, eq, filter, gt, join, limit, lit, project, scan, sort, text, union } from './plans.js';

const a = scan('a', ['k:int32', 'x:int32']);
const b = scan('b', ['k:int32', 'y:int32']);
const pushed = (p: LogicalPlan): string => printPlan(pushDownFilter.apply(analyze(p), defaultOptimizerConfig));

test('into a scan: the Filter stays and the conjuncts are copied into scan.filters', () => {
  assert.equal(
    pushed(filter(a, and(gt(col('x'), lit(1)), eq(col('k'), lit(2))))),
    text(`
      Filter: x > 1 AND k = 2
        Scan: a rows=100 filters=[x > 1, k = 2]`),
  );
});

test('through a projection, substituting aliases; through sort and subquery alias', () => {
  const plan = filter(sort(alias(project(a, as(bin('+', col('x'), lit(1)), 'x1'), col('k')), 's'), col('k')), gt(col('x1', 's'), lit(5)));
  assert.equal(
    pushed(plan),
    text(`
      Sort: k ASC NULLS LAST
        SubqueryAlias: s
          Projection: x + 1 AS x1, k
            Filter: x + 1 > 5
              Scan: a rows=100 filters=[x + 1 > 5]`),
  );
});

test('through an aggregate only conjuncts on group keys', () => {
  const plan = filter(aggregate(a, [col('k')], [as(agg('sum', col('x')), 's')]), and(gt(col('k'), lit(1)), gt(col('s'), bin('*', lit(10), lit(1)))));
  assert.equal(
    pushed(plan),
    text(`
      Filter: s > CAST(10 * 1 AS INT64)
        Aggregate: groupBy=[k], aggr=[sum(x) AS s]
          Filter: k > 1
            Scan: a rows=100 filters=[k > 1]`),
  );
});

test('not below a global aggregate: its one row exists even when no input row passes', () => {
  const plan = filter(aggregate(a, [], [as(agg('max', col('x')), 'm')]), eq(lit(1), lit(2)));
  assert.equal(
    pushed(plan),
    text(`
      Filter: 1 = 2
        Aggregate: groupBy=[], aggr=[max(x) AS m]
          Scan: a rows=100`),
  );
});

test('inner join: each side gets its conjuncts, conjuncts over both sides join the condition', () => {
  const plan = filter(join(a, b, 'cross', null), and(and(gt(col('x'), lit(1)), eq(col('y'), lit(2))), eq(col('k', 'a'), col('k', 'b'))));
  assert.equal(
    pushed(plan),
    text(`
      Join: type=inner on=a.k = b.k
        Filter: x > 1
          Scan: a rows=100 filters=[x > 1]
        Filter: y = 2
          Scan: b rows=100 filters=[y = 2]`),
  );
});

test('single-side conjuncts of an inner join condition move into that side', () => {
  const plan = join(a, b, 'inner', and(eq(col('k', 'a'), col('k', 'b')), gt(col('y'), lit(0))));
  assert.equal(
    pushed(plan),
    text(`
      Join: type=inner on=a.k = b.k
        Scan: a rows=100
        Filter: y > 0
          Scan: b rows=100 filters=[y > 0]`),
  );
});

test('left join: only left-side conjuncts go down; the right side of the condition is filtered', () => {
  const plan = filter(join(a, b, 'left', and(eq(col('k', 'a'), col('k', 'b')), gt(col('y'), lit(0)))), and(gt(col('x'), lit(1)), { kind: 'unary', op: 'isNull', arg: col('y') }));
  assert.equal(
    pushed(plan),
    text(`
      Filter: y IS NULL
        Join: type=left on=a.k = b.k
          Filter: x > 1
            Scan: a rows=100 filters=[x > 1]
          Filter: y > 0
            Scan: b rows=100 filters=[y > 0]`),
  );
});

test('right join mirrors left join; nothing goes below a full join', () => {
  const on = eq(col('k', 'a'), col('k', 'b'));
  assert.equal(
    pushed(filter(join(a, b, 'right', on), and(gt(col('x'), lit(1)), gt(col('y'), lit(2))))),
    text(`
      Filter: x > 1
        Join: type=right on=a.k = b.k
          Scan: a rows=100
          Filter: y > 2
            Scan: b rows=100 filters=[y > 2]`),
  );
  const full = filter(join(a, b, 'full', on), gt(col('x'), lit(1)));
  assert.equal(pushed(full), printPlan(analyze(full)));
});

test('into every input of a union, by position; not through a limit', () => {
  const plan = filter(union(true, project(a, col('x')), project(b, as(col('y'), 'x'))), gt(col('x'), lit(3)));
  assert.equal(
    pushed(plan),
    text(`
      Union: all=true
        Projection: x
          Filter: x > 3
            Scan: a rows=100 filters=[x > 3]
        Projection: y AS x
          Filter: y > 3
            Scan: b rows=100 filters=[y > 3]`),
  );
  const limited = filter(limit(a, 5), gt(col('x'), lit(3)));
  assert.equal(pushed(limited), printPlan(analyze(limited)));
});

test('applying the rule again changes nothing', () => {
  const plan = analyze(filter(join(a, b, 'inner', eq(col('k', 'a'), col('k', 'b'))), gt(col('x'), lit(1))));
  const once = pushDownFilter.apply(plan, defaultOptimizerConfig);
  assert.equal(printPlan(pushDownFilter.apply(once, defaultOptimizerConfig)), printPlan(once));
});

test('a mark join keeps every left row once: left conjuncts go below it, mark conjuncts stay above, right-only ON conjuncts go right', () => {
  const marked: LogicalPlan = { kind: 'join', left: a, right: b, type: 'mark', mark: 'm', on: and(gt(col('y'), col('x')), and(gt(col('x'), lit(0)), gt(col('y'), lit(2)))) };
  assert.equal(
    pushed(filter(marked, and(col('m'), gt(col('k'), lit(1))))),
    text(`
      Filter: m
        Join: type=mark mark=m on=y > x AND x > 0
          Filter: k > 1
            Scan: a rows=100 filters=[k > 1]
          Filter: y > 2
            Scan: b rows=100 filters=[y > 2]`),
  );
});
