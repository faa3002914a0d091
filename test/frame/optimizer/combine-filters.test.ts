import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printPlan } from '../../../src/frame/logical/print.js';
import { combineFilters } from '../../../src/frame/optimizer/combine-filters.js';
import { defaultOptimizerConfig } from '../../../src/frame/optimizer/rule.js';
import { col, eq, filter, gt, lit, project, scan, text } from './plans.js';

test('adjacent filters become one conjunction, inner condition first', () => {
  const t = scan('t', ['a:int32', 'b:int32', 'c:int32']);
  const plan = filter(filter(project(filter(filter(t, gt(col('a'), lit(1))), eq(col('b'), lit(2))), col('a'), col('c')), gt(col('c'), lit(3))), gt(col('a'), lit(4)));
  assert.equal(
    printPlan(combineFilters.apply(plan, defaultOptimizerConfig)),
    text(`
      Filter: c > 3 AND a > 4
        Projection: a, c
          Filter: a > 1 AND b = 2
            Scan: t rows=100`),
  );
});
