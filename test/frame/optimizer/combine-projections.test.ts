import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import { printPlan } from '../../../src/frame/logical/print.js';
import { combineProjections } from '../../../src/frame/optimizer/combine-projections.js';
import { defaultOptimizerConfig } from '../../../src/frame/optimizer/rule.js';
import { as, bin, col, lit, project, scan, text } from './plans.js';

const t = scan('t', ['a:int32', 'b:int32']);
const apply = (p: Parameters<typeof printPlan>[0]): string => printPlan(combineProjections.apply(p, defaultOptimizerConfig));

test('merges projections by inlining, keeping output names', () => {
  const inner = project(t, as(bin('*', col('a'), lit(2)), 'x'), col('b'));
  assert.equal(apply(project(inner, as(bin('+', col('x'), lit(1)), 'y'), col('b'))), 'Projection: a * 2 + 1 AS y, b\n  Scan: t rows=100');
  assert.equal(apply(project(inner, col('b'), col('x'))), 'Projection: b, a * 2 AS x\n  Scan: t rows=100');
});

test('does not duplicate a computed expression used twice', () => {
  const inner = project(t, as(bin('*', col('a'), lit(2)), 'x'));
  const plan = project(inner, as(bin('+', col('x'), col('x')), 'y'));
  assert.equal(apply(plan), printPlan(plan));
});

test('never inlines a UDF', () => {
  const udf: ExprNode = { kind: 'udf', name: 'score', fn: { source: '(a) => a', env: {} } as never, args: [col('a')], returnType: 'float64' };
  const plan = project(project(t, as(udf, 's')), as(bin('+', col('s'), lit(1)), 'y'));
  assert.equal(
    apply(plan),
    text(`
      Projection: s + 1 AS y
        Projection: score(a) AS s
          Scan: t rows=100`),
  );
});

test('removes identity projections', () => {
  assert.equal(apply(project(t, col('a'), col('b'))), 'Scan: t rows=100');
  assert.equal(apply(project(t, col('b'), col('a'))), 'Projection: b, a\n  Scan: t rows=100');
});
