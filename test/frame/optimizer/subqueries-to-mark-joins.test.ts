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
  assert.match(printed, /\n {4}Projection: max\(amount\) AS __sq_1\n {6}Aggregate: groupBy=\[\], aggr=\[max\(amount\)\]/);
});

test('a scalar subquery over rows counts them, and its value is read through the check for several rows', () => {
  const printed = rewritten('SELECT sname, (SELECT amount FROM orders WHERE amount > 2) AS a FROM people');
  assert.match(printed, /^Projection: sname, single_row_value\(__sq_2, __sq_1\) AS a\n {2}Join: type=cross\n/);
  assert.match(printed, /Aggregate: groupBy=\[\], aggr=\[first\(amount\) AS __sq_1, count\(\*\) AS __sq_2\]\n {6}Projection: amount\n/);
});

test('a correlated scalar subquery over rows: first value and row count per correlation key, left joined', () => {
  const printed = rewritten('SELECT sname, (SELECT amount FROM orders o WHERE o.pid = p.id) AS a FROM people p');
  assert.match(printed, /^Projection: sname, single_row_value\(__sq_3, __sq_2\) AS a\n {2}Join: type=left on=id = __sq_1\n/);
  assert.match(printed, /Aggregate: groupBy=\[pid AS __sq_1\], aggr=\[first\(amount\) AS __sq_2, count\(\*\) AS __sq_3\]/);
});

test('correlated EXISTS under NOT is a mark join on its correlated conjuncts', () => {
  const printed = rewritten('SELECT sname FROM people p WHERE NOT (EXISTS (SELECT 1 FROM orders o WHERE o.pid = p.id AND amount > 2) AND age > 1)');
  assert.match(printed, /Filter: NOT \(__sq_1 AND age > CAST\(1 AS INT64\)\)\n {6}Join: type=mark mark=__sq_1 on=pid = p\.id\n {8}SubqueryAlias: p\n/);
  // The uncorrelated conjunct stays inside the subquery, on the right side of the join.
  assert.match(printed, /\n {8}Filter: amount > CAST\(2 AS INT64\)\n {10}SubqueryAlias: o/);
});

test('EXISTS correlated by a non-equality under OR is a mark join with that condition', () => {
  const printed = rewritten('SELECT sname FROM people p WHERE EXISTS (SELECT 1 FROM orders o WHERE o.amount > p.age) OR age > 1');
  assert.doesNotMatch(printed, /<subquery>/);
  assert.match(printed, /Filter: __sq_1 OR age > CAST\(1 AS INT64\)\n {6}Join: type=mark mark=__sq_1 on=amount > age\n/);
});

test('correlated NOT IN: two mark joins (a match; an unknown comparison) under a three-valued CASE', () => {
  const printed = rewritten('SELECT sname FROM people p WHERE id NOT IN (SELECT pid FROM orders o WHERE o.amount > p.age) OR age > 1');
  assert.match(printed, /Filter: NOT CASE WHEN __sq_1 THEN true WHEN __sq_2 THEN NULL ELSE false END OR age > CAST\(1 AS INT64\)/);
  assert.match(printed, /Join: type=mark mark=__sq_2 on=amount > age AND \(p\.id = pid\) IS NULL\n {8}Join: type=mark mark=__sq_1 on=amount > age AND p\.id = pid\n/);
});

test('subqueries the rule cannot rewrite (correlated inside a grouped subquery) are left in place', () => {
  const printed = rewritten('SELECT sname FROM people p WHERE id IN (SELECT max(pid) FROM orders o WHERE o.amount > p.age GROUP BY amount) OR age > 1');
  assert.match(printed, /IN \(<subquery>\)/);
});

test('a scalar subquery in an aggregate argument is cross joined below the aggregate, which keeps its output name', () => {
  const printed = rewritten('SELECT max((SELECT max(amount) FROM orders)) FROM people');
  assert.match(printed, /^Aggregate: groupBy=\[\], aggr=\[max\(__sq_1\) AS max\(scalarSubquery\)\]\n {2}Join: type=cross\n {4}SubqueryAlias: people\n/);
});

test('an unaliased scalar subquery in a set operation branch keeps its output name', () => {
  const printed = rewritten('SELECT sname FROM people EXCEPT SELECT (SELECT max(scity) FROM people)');
  assert.match(printed, /Join: type=anti on=sname = scalarSubquery OR /);
  assert.match(printed, /SubqueryAlias: __right\n {6}Projection: __sq_1 AS scalarSubquery\n {8}Join: type=cross\n/);
});

test('names made while rewriting a subquery do not clash with the outer ones (one generator for both)', () => {
  // The IN subquery sits under CASE (this rule); inside it, one scalar subquery is a top-level comparison
  // (decorrelated there) and one is nested in `%` (this rule again): all three make columns joined together.
  const sql =
    'SELECT sname FROM people WHERE CASE WHEN age > 1 THEN id IN (SELECT pid FROM orders WHERE (SELECT min(age) FROM people) % 2 = 0 AND amount = (SELECT max(amount) FROM orders)) END';
  const printed = printPlan(subqueriesToMarkJoins.apply(analyzeSql(sql, catalog), defaultOptimizerConfig));
  assert.doesNotMatch(printed, /<subquery>/);
  // The subquery's two scalar subqueries got names of their own (before, both were __sq_1).
  assert.match(printed, /Filter: __sq_2 % CAST\(2 AS INT64\) = CAST\(0 AS INT64\) AND amount = __sq_1\n/);
  assert.match(printed, /Projection: max\(amount\) AS __sq_1\n/);
  assert.match(printed, /Projection: min\(age\) AS __sq_2\n/);
  assert.deepEqual(new Set([...printed.matchAll(/AS (__sq_\d+)/g)].map((m) => m[1]!)), new Set(['__sq_1', '__sq_2', '__sq_3', '__sq_4', '__sq_5']));
});
