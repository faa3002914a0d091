import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SqlError, findIdentifier, lineColumnAt } from '../../src/sql/sql-error.js';
import { analyzeSql, sqlToPlan } from '../../src/sql/sql-to-plan.js';
import { SluiceError } from '../../src/util/errors.js';
import { catalog } from './fixtures.js';

/** The SqlError `fn` throws. */
function sqlError(fn: () => unknown): SqlError {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof SqlError, `expected a SqlError, got ${String(e)}`);
    assert.ok(e instanceof SluiceError);
    return e;
  }
  assert.fail('expected an error');
}

test('a syntax error reports the parser position and quotes the line with a caret', () => {
  const e = sqlError(() => sqlToPlan('SELECT id\nFROM people\nWHERE age >', catalog));
  assert.equal(e.line, 3);
  assert.equal(e.column, 12);
  assert.equal(e.message, 'SQL syntax error: unexpected end of input (line 3, column 12)\n  WHERE age >\n             ^');
});

test('an unknown table points at its name, suggests the closest one and lists the known tables', () => {
  const e = sqlError(() => sqlToPlan('SELECT *\n  FROM people p\n  JOIN ordrs o ON o.pid = p.id', catalog));
  assert.deepEqual([e.line, e.column, e.suggestion], [3, 8, 'orders']);
  assert.match(e.message, /^Unknown table 'ordrs'\. Did you mean 'orders'\? Known tables: orders, people\. \(line 3, column 8\)\n {2}\s+JOIN ordrs o ON o\.pid = p\.id\n {9}\^$/);
  const caseOnly = sqlError(() => sqlToPlan('SELECT * FROM PEOPLE', catalog));
  assert.equal(caseOnly.suggestion, 'people');
  const far = sqlError(() => sqlToPlan("SELECT 'xyz' AS s FROM xyz", catalog));
  assert.equal(far.suggestion, undefined);
  assert.equal(far.column, 24, 'the table name, not the string literal');
});

test('analyzeSql turns an unknown column into a SqlError at its first whole-word occurrence, keeping the suggestion', () => {
  const e = sqlError(() => analyzeSql('SELECT id,\n       agee + 1\nFROM people', catalog));
  assert.deepEqual([e.line, e.column, e.suggestion], [2, 8, 'age']);
  assert.match(e.message, /column "agee" not found; did you mean "age"\?/);
  const q = sqlError(() => analyzeSql("SELECT 'p.nme' FROM people p WHERE p.nme = 'x'", catalog));
  assert.deepEqual([q.line, q.column], [1, 38]);
});

test('unsupported syntax names the construct', () => {
  assert.match(sqlError(() => sqlToPlan('SELECT sum(age) OVER () FROM people', catalog)).message, /^Unsupported SQL: window functions \(OVER\)/);
  assert.match(sqlError(() => sqlToPlan('VALUES (1)', catalog)).message, /^Unsupported SQL: VALUES lists/);
  assert.match(sqlError(() => sqlToPlan('SELECT *', catalog)).message, /^SELECT \* needs a FROM clause/);
  assert.match(sqlError(() => sqlToPlan("INSERT INTO people VALUES (1, 2, 'a', 'b')", catalog)).message, /^Unsupported SQL: INSERT statements/);
  const recursive = sqlError(() => sqlToPlan('WITH RECURSIVE r AS (SELECT id FROM people) SELECT * FROM r', catalog));
  assert.deepEqual([recursive.line, recursive.column], [1, 6]);
});

test('GROUP BY and ORDER BY positions out of range', () => {
  assert.match(sqlError(() => sqlToPlan('SELECT id FROM people ORDER BY 2', catalog)).message, /ORDER BY position 2 is not in the select list \(1\.\.1\)/);
  assert.match(sqlError(() => sqlToPlan('SELECT scity, count(*) FROM people GROUP BY 3', catalog)).message, /GROUP BY position 3/);
});

test('lineColumnAt and findIdentifier skip strings, comments and partial words', () => {
  assert.deepEqual(lineColumnAt('ab\ncd', 4), { line: 2, column: 2 });
  const sql = "SELECT 'age', ages -- age\n /* age */ FROM t WHERE \"age\" > 1";
  assert.equal(findIdentifier(sql, 'age'), sql.indexOf('"age"'));
  assert.equal(findIdentifier('SELECT x FROM t JOIN t2', 't2', /(from|join|,)$/i), 21);
  assert.equal(findIdentifier('SELECT t FROM u', 'v'), -1);
});
