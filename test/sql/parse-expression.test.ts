import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printExpr } from '../../src/frame/logical/print.js';
import { parseExpression } from '../../src/sql/parse-expression.js';
import { SqlError } from '../../src/sql/sql-error.js';
import { sqlParserReady } from '../../src/sql/parse.js';

await sqlParserReady();

test("expr() conditions and selectExpr() items with aliases and stars", () => {
  assert.equal(printExpr(parseExpression("age > 25 AND city = 'x'")), "age > 25 AND city = 'x'");
  assert.deepEqual(parseExpression('price * qty AS total'), {
    kind: 'alias',
    name: 'total',
    arg: { kind: 'binary', op: '*', left: { kind: 'column', name: 'price' }, right: { kind: 'column', name: 'qty' } },
  });
  assert.deepEqual(parseExpression('*'), { kind: 'star' });
  assert.deepEqual(parseExpression('t.*'), { kind: 'star', qualifier: 't' });
  assert.equal(printExpr(parseExpression('sum(v) / count(*) AS mean')), 'sum(v) / count(*) AS mean');
});

test('errors point into the expression text, not the wrapper', () => {
  try {
    parseExpression('a + ) 2');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof SqlError);
    assert.deepEqual([e.line, e.column], [1, 5]);
    assert.match(e.message, /\n {2}a \+ \) 2\n {6}\^$/);
  }
});

test('more than an expression, or a subquery, is rejected', () => {
  assert.throws(() => parseExpression('a, b'), /Expected a single expression/);
  assert.throws(() => parseExpression('a FROM t'), /Expected a single expression/);
  assert.throws(() => parseExpression('a IN (SELECT b FROM t)'), /Unsupported SQL: subqueries in this position/);
});
