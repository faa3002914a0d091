import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseExpression } from '../../src/sql/parse-expression.js';
import { SqlError } from '../../src/sql/sql-error.js';
import { plan } from './fixtures.js';
import { Session } from '../../src/index.js';

test('unquoted identifiers keep their case (PostgreSQL would fold them to lower case)', () => {
  assert.deepEqual(parseExpression('userId'), { kind: 'column', name: 'userId' });
  assert.deepEqual(parseExpression('T.Col AS Total'), { kind: 'alias', arg: { kind: 'column', name: 'Col', qualifier: 'T' }, name: 'Total' });
  assert.deepEqual(parseExpression('UPPER(s)'), { kind: 'call', fn: 'upper', args: [{ kind: 'column', name: 's' }] });
});

test('keywords spelled as names keep their case where they stand as names, and stay keywords elsewhere', () => {
  assert.deepEqual(parseExpression('Year'), { kind: 'column', name: 'Year' });
  assert.deepEqual(parseExpression('T.Month + Year AS Value'), {
    kind: 'alias',
    arg: { kind: 'binary', op: '+', left: { kind: 'column', name: 'Month', qualifier: 'T' }, right: { kind: 'column', name: 'Year' } },
    name: 'Value',
  });
  // CAST(.. AS Integer) parses differently with "Integer" quoted: a keyword there.
  assert.deepEqual(parseExpression('Cast(Year AS Integer)'), { kind: 'cast', arg: { kind: 'column', name: 'Year' }, to: 'int32' });
  const printed = plan('SELECT Year AS Month FROM people Order By Month Desc Nulls Last');
  assert.match(printed, /^Sort: Month DESC NULLS LAST\n {2}Projection: Year AS Month\n/);
});

test('a column spelled like a keyword (Year) is found in a table, whatever else the query spells in mixed case', async () => {
  const s = await Session.local({ master: 'inline' });
  try {
    const data = { Year: [2001, 2002, null], Month: [1, 2, 3], d: [new Date('2020-03-04'), new Date('2021-05-06'), null] };
    s.createDataFrame(data, { schema: { Year: 'int32', Month: 'int32', d: 'date' } }).createOrReplaceTempView('T');
    const rows = await s.sql('SELECT Year, Extract(Year FROM d) AS y, Cast(Month AS Integer) AS m FROM T Where Year > 2000 Order By Year Desc Nulls First').collect();
    assert.deepEqual(rows, [
      { Year: 2002, y: 2021, m: 2 },
      { Year: 2001, y: 2020, m: 1 },
    ]);
  } finally {
    await s.stop();
  }
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
