import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/frame/logical/analyzer.js';
import type { LogicalPlan } from '../../../src/frame/logical/plan.js';
import { printPlan } from '../../../src/frame/logical/print.js';
import { pushDownLimit } from '../../../src/frame/optimizer/push-down-limit.js';
import { defaultOptimizerConfig } from '../../../src/frame/optimizer/rule.js';
import { as, bin, col, limit, lit, project, scan, sort, text, union } from './plans.js';

const t = scan('t', ['a:int32']);
const u = scan('u', ['a:int32']);
const pushed = (p: LogicalPlan): string => printPlan(pushDownLimit.apply(analyze(p), defaultOptimizerConfig));

test('a limit moves below a projection', () => {
  assert.equal(
    pushed(limit(project(t, as(bin('+', col('a'), lit(1)), 'b')), 3)),
    text(`
      Projection: a + 1 AS b
        Limit: n=3 offset=0
          Scan: t rows=100`),
  );
});

test('UNION ALL inputs get a local limit of n + offset; the global limit stays', () => {
  const plan = limit(union(true, project(t, as(bin('+', col('a'), lit(1)), 'b')), project(u, as(col('a'), 'b'))), 10, 5);
  const once = pushDownLimit.apply(analyze(plan), defaultOptimizerConfig);
  assert.equal(
    printPlan(once),
    text(`
      Limit: n=10 offset=5
        Union: all=true
          Projection: a + 1 AS b
            Limit: n=15 offset=0
              Scan: t rows=100
          Projection: a AS b
            Limit: n=15 offset=0
              Scan: u rows=100`),
  );
  assert.equal(printPlan(pushDownLimit.apply(once, defaultOptimizerConfig)), printPlan(once));
  const distinct = limit(union(false, t, u), 3);
  assert.equal(pushed(distinct), printPlan(analyze(distinct)));
});

test('adjacent limits merge; a limit over a sort stays (a top-k)', () => {
  assert.equal(pushed(limit(limit(t, 10, 2), 5, 3)), 'Limit: n=5 offset=5\n  Scan: t rows=100');
  assert.equal(pushed(limit(limit(t, 4), 10, 2)), 'Limit: n=2 offset=2\n  Scan: t rows=100');
  const topk = limit(sort(t, col('a')), 3);
  assert.equal(pushed(topk), printPlan(analyze(topk)));
});
