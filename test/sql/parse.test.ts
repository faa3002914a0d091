import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from '../../src/sql/parse-expression.js';
import { SqlError } from '../../src/sql/sql-error.js';
import { plan } from './fixtures.js';

test('unquoted identifiers keep their case (PostgreSQL would fold them to lower case)', () => {
  assert.deepEqual(parseExpression('userId'), { kind: 'column', name: 'userId' });
  assert.deepEqual(parseExpression('T.Col AS Total'), { kind: 'alias', arg: { kind: 'column', name: 'Col', qualifier: 'T' }, name: 'Total' });
  assert.deepEqual(parseExpression('UPPER(s)'), { kind: 'call', fn: 'upper', args: [{ kind: 'column', name: 's' }] });
});

test('positions after rewritten identifiers point into the text as written', () => {
  try {
    parseExpression('FooBar + BazQux + lowr(s)');
    assert.fail('expected an error');
  } catch (e) {
    assert.ok(e instanceof SqlError);
    assert.deepEqual([e.line, e.column], [1, 19]);
  }
  assert.throws(() => plan('SELECT MixedCase FROM people WHERE ) x'), (e: SqlError) => e.column === 36 && /unexpected "\)"/.test(e.message));
});

test('a string literal starting a FROM item is a file path, elsewhere it stays a string', () => {
  assert.equal(plan("SELECT 'data/a.csv' AS p FROM 'data/b.csv', people WHERE sname = 'data/c.csv'").split('\n')[0], "Projection: 'data/a.csv' AS p");
  assert.match(plan("SELECT * FROM people JOIN 'data/b.csv' f ON f.id = people.id"), /Scan: file:data\/b\.csv/);
  assert.match(plan("SELECT * FROM people WHERE EXISTS (SELECT 1 FROM 'data/b.csv')"), /Scan: file:data\/b\.csv/);
  assert.deepEqual(parseExpression("substring(s FROM 'a')"), { kind: 'call', fn: 'substring', args: [{ kind: 'column', name: 's' }, { kind: 'literal', value: 'a', type: 'string' }] });
});
