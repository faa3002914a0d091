import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printPlan } from '../../../src/frame/logical/print.js';
import { decorrelateSubqueries } from '../../../src/frame/optimizer/decorrelate-subqueries.js';
import { defaultOptimizerConfig } from '../../../src/frame/optimizer/rule.js';
import { subqueriesToMarkJoins } from '../../../src/frame/optimizer/subqueries-to-mark-joins.js';
import { analyzeSql } from '../../../src/sql/sql-to-plan.js';
import { catalog } from '../../sql/fixtures.js';

const rewritten = (sql: string): string => {
  const plan = decorrelateSubqueries.apply(analyzeSql(sql, catalog), defaultOptimizerConfig);
  return printPlan(subqueriesToMarkJoins.apply(plan, defaultOptimizerConfig));
};

test('IN (subquery) under OR: statistics cross joined, distinct non-null values left joined, three-valued CASE', () => {
  const printed = rewritten('SELECT sname FROM people WHERE id IN (SELECT pid FROM orders) OR age > 3');
  assert.doesNotMatch(printed, /<subquery>/);
  assert.match(printed, /Filter: CASE WHEN __sq_3 IS NOT NULL THEN true WHEN __sq_1 = 0 THEN false WHEN id IS NULL OR __sq_1 > __sq_2 THEN NULL ELSE false END OR age > CAST\(3 AS INT64\)/);
  assert.match(printed, /Join: type=left on=id = __sq_3\n {8}Join: type=cross\n/);
  assert.match(printed, /Aggregate: groupBy=\[\], aggr=\[count\(\*\) AS __sq_1, count\(pid\) AS __sq_2\]/);
});

test('a scalar subquery in the select list is a one-row aggregate cross joined', () => {
  const printed = rewritten('SELECT sname, (SELECT max(amount) FROM orders) AS top FROM people');
  assert.match(printed, /^Projection: sname, __sq_1 AS top\n {2}Join: type=cross\n/);
  assert.match(printed, /Aggregate: groupBy=\[\], aggr=\[first\(max\(amount\)\) AS __sq_1\]/);
});

test('correlated EXISTS under NOT groups the inner side by its correlated keys and left joins', () => {
  const printed = rewritten('SELECT sname FROM people p WHERE NOT (EXISTS (SELECT 1 FROM orders o WHERE o.pid = p.id) AND age > 1)');
  assert.match(printed, /Join: type=left on=id = __sq_1/);
  assert.match(printed, /Aggregate: groupBy=\[pid AS __sq_1\], aggr=\[count\(\*\) AS __sq_2\]/);
  assert.match(printed, /Filter: NOT \(__sq_2 IS NOT NULL AND age > CAST\(1 AS INT64\)\)/);
});

test('subqueries the rule cannot rewrite (correlated by a non-equality) are left in place', () => {
  const printed = rewritten('SELECT sname FROM people p WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > p.age) OR age > 1');
  assert.match(printed, /EXISTS \(<subquery>\)/);
});
