import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/frame/logical/analyzer.js';
import { printPlan } from '../../../src/frame/logical/print.js';
import { outputSchema } from '../../../src/frame/logical/schema.js';
import { replaceDistinctWithAggregate } from '../../../src/frame/optimizer/replace-distinct-with-aggregate.js';
import { defaultOptimizerConfig } from '../../../src/frame/optimizer/rule.js';
import { col, eq, join, project, scan, text } from './plans.js';

test('DISTINCT becomes an aggregate grouping by every column, same output columns', () => {
  const j = join(scan('a', ['k:int32', 'x:string']), scan('b', ['k:int32']), 'inner', eq(col('k', 'a'), col('k', 'b')));
  const plan = analyze({ kind: 'distinct', input: j });
  const out = replaceDistinctWithAggregate.apply(plan, defaultOptimizerConfig);
  assert.equal(
    printPlan(out),
    text(`
      Aggregate: groupBy=[a.k, x, b.k], aggr=[]
        Join: type=inner on=a.k = b.k
          Scan: a rows=100
          Scan: b rows=100`),
  );
  assert.deepEqual(outputSchema(out), outputSchema(plan));
});

test('DISTINCT of no columns stays: an aggregate grouping by nothing would give a row for no input', () => {
  const plan = analyze({ kind: 'distinct', input: project(scan('a', ['k:int32'])) });
  assert.equal(printPlan(replaceDistinctWithAggregate.apply(plan, defaultOptimizerConfig)), printPlan(plan));
});
