import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lines, plan } from './fixtures.js';

test('IN (subquery) and NOT IN (subquery)', () => {
  assert.equal(
    plan('SELECT sname FROM people WHERE id NOT IN (SELECT pid FROM orders)'),
    lines(
      'Projection: sname',
      '  Filter: id NOT IN (<subquery>)',
      '    Subquery:',
      '      Projection: pid',
      '        SubqueryAlias: orders',
      '          Scan: orders rows=0',
      '    SubqueryAlias: people',
      '      Scan: people rows=0',
    ),
  );
});

test('correlated EXISTS: references to the outer query become outer nodes, by qualifier or by column name', () => {
  assert.equal(
    plan('SELECT * FROM people p WHERE EXISTS (SELECT 1 FROM orders o WHERE o.pid = p.id AND amount > age)'),
    lines(
      'Filter: EXISTS (<subquery>)',
      '  Subquery:',
      '    Projection: 1',
      '      Filter: o.pid = outer(p.id) AND amount > outer(age)',
      '        SubqueryAlias: o',
      '          Scan: orders rows=0',
      '  SubqueryAlias: p',
      '    Scan: people rows=0',
    ),
  );
});

test('a column the subquery has itself stays local even if the outer query has it too', () => {
  const printed = plan('SELECT * FROM people WHERE NOT EXISTS (SELECT * FROM orders WHERE id = people.id)');
  assert.match(printed, /Filter: id = outer\(people\.id\)/);
  assert.match(printed, /^Filter: NOT EXISTS/);
});

test('scalar subqueries in WHERE and in the select list', () => {
  assert.equal(
    plan('SELECT sname, (SELECT max(amount) FROM orders) AS top FROM people WHERE age > (SELECT avg(age) FROM people)'),
    lines(
      'Projection: sname, (<subquery>) AS top',
      '  Subquery:',
      '    Aggregate: groupBy=[], aggr=[max(amount)]',
      '      SubqueryAlias: orders',
      '        Scan: orders rows=0',
      '  Filter: age > (<subquery>)',
      '    Subquery:',
      '      Aggregate: groupBy=[], aggr=[avg(age)]',
      '        SubqueryAlias: people',
      '          Scan: people rows=0',
      '    SubqueryAlias: people',
      '      Scan: people rows=0',
    ),
  );
});

test('a CTE can be used several times, and later CTEs see earlier ones', () => {
  assert.equal(
    plan('WITH big AS (SELECT * FROM orders WHERE amount > 10), ids AS (SELECT pid FROM big) SELECT a.pid FROM ids a JOIN big b ON a.pid = b.id'),
    lines(
      'Projection: a.pid',
      '  Join: type=inner on=a.pid = b.id',
      '    SubqueryAlias: a',
      '      Projection: pid',
      '        SubqueryAlias: big',
      '          Filter: amount > 10',
      '            SubqueryAlias: orders',
      '              Scan: orders rows=0',
      '    SubqueryAlias: b',
      '      Filter: amount > 10',
      '        SubqueryAlias: orders',
      '          Scan: orders rows=0',
    ),
  );
});

test('a CTE column list renames the columns by position', () => {
  assert.equal(
    plan('WITH c(k, n) AS (SELECT scity, count(*) FROM people GROUP BY scity) SELECT k FROM c'),
    lines(
      'Projection: k',
      '  SubqueryAlias: c',
      '    Projection: scity AS k, count(*) AS n',
      '      Aggregate: groupBy=[scity], aggr=[count(*)]',
      '        SubqueryAlias: people',
      '          Scan: people rows=0',
    ),
  );
});

test('UNION ALL flattens, UNION removes duplicates, ORDER BY / LIMIT apply to the whole chain', () => {
  assert.equal(
    plan('SELECT id FROM people UNION ALL SELECT pid FROM orders UNION ALL SELECT id FROM orders ORDER BY 1 DESC LIMIT 4'),
    lines(
      'Limit: n=4 offset=0',
      '  Sort: id DESC NULLS FIRST',
      '    Union: all=true',
      '      Projection: id',
      '        SubqueryAlias: people',
      '          Scan: people rows=0',
      '      Projection: pid',
      '        SubqueryAlias: orders',
      '          Scan: orders rows=0',
      '      Projection: id',
      '        SubqueryAlias: orders',
      '          Scan: orders rows=0',
    ),
  );
  assert.match(plan('SELECT id FROM people UNION SELECT pid FROM orders'), /^Union: all=false\n/);
});

test('INTERSECT and EXCEPT are distinct semi / anti joins matching NULLs, INTERSECT binding tighter', () => {
  const printed = plan('SELECT id FROM people EXCEPT SELECT id FROM orders INTERSECT SELECT pid FROM orders');
  const first = printed.split('\n').slice(0, 2).join('\n');
  assert.equal(first, lines('Distinct', '  Join: type=anti on=__left.id = __right.id OR __left.id IS NULL AND __right.id IS NULL'));
  assert.match(printed, /SubqueryAlias: __right\n {6}Distinct\n {8}Join: type=semi on=__left\.id = __right\.pid OR/);
});
