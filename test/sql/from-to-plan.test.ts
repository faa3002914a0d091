import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lines, plan } from './fixtures.js';

test('join types with ON, the OUTER keyword optional', () => {
  for (const [sql, type] of [
    ['JOIN', 'inner'],
    ['INNER JOIN', 'inner'],
    ['LEFT JOIN', 'left'],
    ['LEFT OUTER JOIN', 'left'],
    ['RIGHT OUTER JOIN', 'right'],
    ['FULL JOIN', 'full'],
    ['FULL OUTER JOIN', 'full'],
  ]) {
    assert.equal(
      plan(`SELECT * FROM people p ${sql} orders o ON p.id = o.pid`),
      lines(`Join: type=${type} on=p.id = o.pid`, '  SubqueryAlias: p', '    Scan: people rows=0', '  SubqueryAlias: o', '    Scan: orders rows=0'),
    );
  }
});

test('CROSS JOIN, USING, NATURAL JOIN', () => {
  assert.equal(plan('SELECT * FROM people CROSS JOIN orders').split('\n')[0], 'Join: type=cross');
  assert.equal(plan('SELECT * FROM people JOIN orders USING (id)').split('\n')[0], 'Join: type=inner using=[id]');
  assert.equal(plan('SELECT * FROM people NATURAL LEFT JOIN orders').split('\n')[0], 'Join: type=left using=[id]');
});

test('comma joins are cross joins under the WHERE filter', () => {
  assert.equal(
    plan('SELECT sname, amount FROM people, orders WHERE people.id = orders.pid'),
    lines(
      'Projection: sname, amount',
      '  Filter: people.id = orders.pid',
      '    Join: type=cross',
      '      SubqueryAlias: people',
      '        Scan: people rows=0',
      '      SubqueryAlias: orders',
      '        Scan: orders rows=0',
    ),
  );
});

test('three-way joins nest to the left', () => {
  assert.equal(
    plan('SELECT * FROM people a JOIN orders b ON a.id = b.pid LEFT JOIN people c ON c.id = b.id'),
    lines(
      'Join: type=left on=c.id = b.id',
      '  Join: type=inner on=a.id = b.pid',
      '    SubqueryAlias: a',
      '      Scan: people rows=0',
      '    SubqueryAlias: b',
      '      Scan: orders rows=0',
      '  SubqueryAlias: c',
      '    Scan: people rows=0',
    ),
  );
});

test('a FROM subquery keeps its alias', () => {
  assert.equal(
    plan('SELECT s.n FROM (SELECT count(*) AS n FROM orders) AS s'),
    lines('Projection: s.n', '  SubqueryAlias: s', '    Aggregate: groupBy=[], aggr=[count(*) AS n]', '      SubqueryAlias: orders', '        Scan: orders rows=0'),
  );
});

test('file paths in FROM go through the catalog, quoted or as read_parquet()', () => {
  assert.equal(plan("SELECT * FROM 'data/*.parquet'"), 'Scan: file:data/*.parquet rows=0');
  assert.equal(plan("SELECT f.v FROM 'data/x.csv' AS f"), lines('Projection: f.v', '  SubqueryAlias: f', '    Scan: file:data/x.csv rows=0'));
  assert.equal(plan("SELECT * FROM read_parquet('data/y.parquet')"), 'Scan: file:data/y.parquet rows=0');
});

test('JOIN without ON or USING is a syntax error at the end of the text', () => {
  assert.throws(() => plan('SELECT * FROM people JOIN orders'), /^SqlError: SQL syntax error: unexpected end of input \(line 1, column 33\)/);
});
