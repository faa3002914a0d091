import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ExprNode } from '../../../src/frame/expr/expr-node.js';
import { printExpr, printPlan } from '../../../src/frame/logical/print.js';
import { defaultOptimizerConfig } from '../../../src/frame/optimizer/rule.js';
import { simplifyExpr, simplifyExpressions } from '../../../src/frame/optimizer/simplify-expressions.js';
import { and, bin, col, filter, gt, lit, not, project, scan, text } from './plans.js';

const simplified = (e: ExprNode): string => printExpr(simplifyExpr(e));
const or = (l: ExprNode, r: ExprNode): ExprNode => bin('or', l, r);
const x = gt(col('x'), lit(0));

test('folds literal arithmetic, comparisons, concatenation and casts', () => {
  assert.equal(simplified(bin('+', lit(1), bin('*', lit(2), lit(3)))), '7');
  assert.equal(simplified(bin('/', lit(7), lit(2))), '3.5');
  // By zero the runtime decides (IEEE Infinity for `/`, NULL for an integer `%`): not folded.
  assert.equal(simplified(bin('/', lit(7), lit(0))), '7 / 0');
  assert.equal(simplified(bin('%', lit(7), lit(0))), '7 % 0');
  assert.equal(simplified(bin('+', lit(1), lit(null))), 'NULL');
  assert.equal(simplified(bin('+', lit(2147483647), lit(1))), '2147483647 + 1');
  assert.equal(simplified(gt(lit(3), lit(2))), 'true');
  assert.equal(simplified(bin('=', lit('a'), lit('b'))), 'false');
  assert.equal(simplified(bin('||', lit('a'), lit('b'))), "'ab'");
  assert.equal(simplified({ kind: 'cast', arg: lit(3), to: 'float64' }), '3');
  assert.equal(simplified({ kind: 'cast', arg: lit('2024-01-01'), to: 'date' }), "CAST('2024-01-01' AS DATE)");
  assert.equal(simplified(gt(col('a'), bin('-', lit(10), lit(4)))), 'a > 6');
});

test('boolean identities respect NULL', () => {
  assert.equal(simplified(and(lit(true), x)), 'x > 0');
  assert.equal(simplified(and(x, lit(false))), 'false');
  assert.equal(simplified(or(x, lit(true))), 'true');
  assert.equal(simplified(or(lit(false), x)), 'x > 0');
  assert.equal(simplified(and(x, lit(null))), 'x > 0 AND NULL');
  assert.equal(simplified(and(lit(null), lit(false))), 'false');
  assert.equal(simplified(not(not(x))), 'x > 0');
  assert.equal(simplified(not(bin('<', col('a'), col('b')))), 'a >= b');
  assert.equal(simplified(not({ kind: 'unary', op: 'isNull', arg: col('a') })), 'a IS NOT NULL');
  assert.equal(simplified(not(lit(null))), 'NULL');
});

test('CASE drops branches that can never match', () => {
  const c: ExprNode = { kind: 'case', branches: [{ when: lit(false), then: lit(1) }, { when: x, then: lit(2) }], otherwise: lit(3) };
  assert.equal(simplified(c), 'CASE WHEN x > 0 THEN 2 ELSE 3 END');
  const always: ExprNode = { kind: 'case', branches: [{ when: gt(lit(2), lit(1)), then: lit(1) }], otherwise: lit(3) };
  assert.equal(simplified(always), '1');
});

test('rule: simplifies every node, keeps output names, removes always-true filters', () => {
  const t = scan('t', ['x:int32']);
  const plan = project(filter(filter(t, and(lit(true), gt(col('x'), bin('+', lit(1), lit(2))))), gt(lit(2), lit(1))), bin('*', lit(2), lit(3)), col('x'));
  assert.equal(
    printPlan(plan),
    text(`
      Projection: 2 * 3, x
        Filter: 2 > 1
          Filter: true AND x > 1 + 2
            Scan: t rows=100`),
  );
  assert.equal(
    printPlan(simplifyExpressions.apply(plan, defaultOptimizerConfig)),
    text(`
      Projection: 6 AS (2 * 3), x
        Filter: x > 3
          Scan: t rows=100`),
  );
});
