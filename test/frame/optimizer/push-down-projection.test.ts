import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/frame/logical/analyzer.js';
import type { LogicalPlan } from '../../../src/frame/logical/plan.js';
import { printPlan } from '../../../src/frame/logical/print.js';
import { outputSchema } from '../../../src/frame/logical/schema.js';
import { pushDownProjection } from '../../../src/frame/optimizer/push-down-projection.js';
import { defaultOptimizerConfig } from '../../../src/frame/optimizer/rule.js';
import { agg, aggregate, as, col, eq, filter, gt, join, lit, project, scan, text, union } from './plans.js';

const a = scan('a', ['k:int32', 'x:int32', 'p:string', 'q:string']);
const b = scan('b', ['k:int32', 'y:int32', 'z:int32', 'w:int32']);
const pruned = (p: LogicalPlan): LogicalPlan => pushDownProjection.apply(analyze(p), defaultOptimizerConfig);

test('scans read only the columns used above them', () => {
  const plan = pruned(project(filter(a, gt(col('x'), lit(1))), col('k')));
  assert.equal(
    printPlan(plan),
    text(`
      Projection: k
        Filter: x > 1
          Scan: a rows=100 projection=[k, x]`),
  );
});

test('join inputs are cut to the used columns, with a projection where a filter keeps extra ones', () => {
  const plan = pruned(project(join(a, filter(b, gt(col('z'), lit(0))), 'inner', eq(col('k', 'a'), col('k', 'b'))), col('x'), col('y')));
  assert.equal(
    printPlan(plan),
    text(`
      Projection: x, y
        Join: type=inner on=a.k = b.k
          Scan: a rows=100 projection=[k, x]
          Projection: k, y
            Filter: z > 0
              Scan: b rows=100 projection=[k, y, z]`),
  );
});

test('aggregates drop unused aggregate calls and read only their arguments', () => {
  const grouped = aggregate(filter(a, gt(col('x'), lit(0))), [col('p')], [as(agg('sum', col('x')), 's'), as(agg('count', col('q')), 'n')]);
  const plan = pruned(project(grouped, col('p'), col('s')));
  assert.equal(
    printPlan(plan),
    text(`
      Projection: p, s
        Aggregate: groupBy=[p], aggr=[sum(x) AS s]
          Filter: x > 0
            Scan: a rows=100 projection=[x, p]`),
  );
});

test('count(*) keeps one column; the root keeps its columns; union inputs stay aligned', () => {
  assert.equal(printPlan(pruned(aggregate(a, [], [agg('count_star')]))), 'Aggregate: groupBy=[], aggr=[count(*)]\n  Scan: a rows=100 projection=[k]');
  const root = analyze(filter(a, gt(col('x'), lit(0))));
  assert.equal(printPlan(pushDownProjection.apply(root, defaultOptimizerConfig)), printPlan(root));
  const u = pruned(project(union(true, project(a, col('k'), col('x')), project(b, col('k'), col('z'))), col('x')));
  assert.equal(
    printPlan(u),
    text(`
      Projection: x
        Union: all=true
          Projection: x
            Scan: a rows=100 projection=[x]
          Projection: z
            Scan: b rows=100 projection=[z]`),
  );
  assert.deepEqual(outputSchema(u).fields.map((f) => f.name), ['x']);
});

test('a scan of no columns (createDataFrame of empty records) stays as it is under count(*)', () => {
  const none = scan('e', [], 3);
  assert.equal(printPlan(pruned(aggregate(none, [], [agg('count_star')]))), 'Aggregate: groupBy=[], aggr=[count(*)]\n  Scan: e rows=3');
});

test('DISTINCT needs every input column', () => {
  const plan = pruned(project({ kind: 'distinct', input: project(a, col('k'), col('x')) }, col('k')));
  assert.equal(
    printPlan(plan),
    text(`
      Projection: k
        Distinct
          Projection: k, x
            Scan: a rows=100 projection=[k, x]`),
  );
});
