import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lines, plan } from './fixtures.js';

/** The scan of `people` under its alias, at a depth of the tree. */
const people = (depth: number): string[] => [`${'  '.repeat(depth)}SubqueryAlias: people`, `${'  '.repeat(depth + 1)}Scan: people rows=0`];

test('select list with aliases, * and t.*; a lone * needs no projection', () => {
  assert.equal(plan('SELECT id, age + 1 AS next, p.* FROM people p'), lines('Projection: id, age + 1 AS next, p.*', '  SubqueryAlias: p', '    Scan: people rows=0'));
  assert.equal(plan('SELECT * FROM people'), lines('SubqueryAlias: people', '  Scan: people rows=0'));
});

test('WHERE, DISTINCT, LIMIT and OFFSET', () => {
  assert.equal(
    plan("SELECT DISTINCT scity FROM people WHERE age > 30 AND sname <> 'x' LIMIT 5 OFFSET 2"),
    lines('Limit: n=5 offset=2', '  Distinct', '    Projection: scity', "      Filter: age > 30 AND sname != 'x'", ...people(4)),
  );
  assert.equal(plan('SELECT id FROM people OFFSET 3').split('\n')[0], `Limit: n=${Number.MAX_SAFE_INTEGER} offset=3`);
});

test('ORDER BY output names, aliases and positions sorts above the projection', () => {
  assert.equal(
    plan('SELECT sname, age * 2 AS a2 FROM people ORDER BY a2 DESC, 1 NULLS FIRST, sname'),
    lines('Sort: a2 DESC NULLS FIRST, sname ASC NULLS FIRST, sname ASC NULLS LAST', '  Projection: sname, age * 2 AS a2', ...people(2)),
  );
});

test('ORDER BY a column not selected sorts below the projection, aliases replaced by their expression', () => {
  assert.equal(
    plan('SELECT sname, age * 2 AS a2 FROM people ORDER BY id DESC NULLS LAST, a2'),
    lines('Projection: sname, age * 2 AS a2', '  Sort: id DESC NULLS LAST, age * 2 ASC NULLS LAST', ...people(2)),
  );
});

test('SELECT DISTINCT cannot order by a column it does not select', () => {
  assert.throws(() => plan('SELECT DISTINCT sname FROM people ORDER BY age'), /ORDER BY expressions must appear in the select list/);
});

test('GROUP BY a column: aggregates aliased in the Aggregate, no extra projection', () => {
  assert.equal(
    plan('SELECT scity, count(*) AS n, avg(age) FROM people GROUP BY scity'),
    lines('Aggregate: groupBy=[scity], aggr=[count(*) AS n, avg(age)]', ...people(1)),
  );
});

test('GROUP BY positions and select aliases group by the select expression', () => {
  const expected = lines('Projection: upper(scity) AS c, count(*)', '  Aggregate: groupBy=[upper(scity)], aggr=[count(*)]', ...people(2));
  assert.equal(plan('SELECT upper(scity) AS c, count(*) FROM people GROUP BY 1'), expected);
  assert.equal(plan('SELECT upper(scity) AS c, count(*) FROM people GROUP BY c'), expected);
  assert.equal(plan('SELECT upper(scity) AS c, count(*) FROM people GROUP BY upper(scity)'), expected);
});

test('a select alias equal to an input column name groups by the input column', () => {
  assert.equal(
    plan('SELECT upper(scity) AS scity FROM people GROUP BY scity').split('\n').slice(0, 2).join('\n'),
    lines('Projection: upper(scity) AS scity', '  Aggregate: groupBy=[scity], aggr=[]'),
  );
});

test('expressions around aggregates refer to the aggregate output by name', () => {
  assert.equal(
    plan('SELECT scity, sum(age) / count(*) AS mean, max(age) - min(age) FROM people GROUP BY scity'),
    lines(
      'Projection: scity, sum(age) / count(*) AS mean, max(age) - min(age)',
      '  Aggregate: groupBy=[scity], aggr=[sum(age), count(*), max(age), min(age)]',
      ...people(2),
    ),
  );
});

test('HAVING computes aggregates the select list does not show, filters, then projects', () => {
  assert.equal(
    plan('SELECT scity, count(*) AS n FROM people GROUP BY scity HAVING avg(age) > 40 AND count(*) > 1'),
    lines(
      'Projection: scity, n',
      '  Filter: avg(age) > 40 AND n > 1',
      '    Aggregate: groupBy=[scity], aggr=[count(*) AS n, avg(age)]',
      ...people(3),
    ),
  );
});

test('a global aggregate, and ORDER BY an aggregate not selected', () => {
  assert.equal(plan('SELECT count(DISTINCT scity) FROM people'), lines('Aggregate: groupBy=[], aggr=[count_distinct(scity)]', ...people(1)));
  assert.equal(
    plan('SELECT scity FROM people GROUP BY scity ORDER BY max(age) DESC LIMIT 1'),
    lines('Limit: n=1 offset=0', '  Projection: scity', '    Sort: max(age) DESC NULLS FIRST', '      Aggregate: groupBy=[scity], aggr=[max(age)]', ...people(4)),
  );
});

test('ORDER BY a position in a grouped query', () => {
  assert.equal(
    plan('SELECT scity, count(*) FROM people GROUP BY 1 ORDER BY 2 DESC'),
    lines('Sort: count(*) DESC NULLS FIRST', '  Aggregate: groupBy=[scity], aggr=[count(*)]', ...people(2)),
  );
});

test('a selected column neither grouped nor aggregated is an error at that column', () => {
  assert.throws(
    () => plan('SELECT scity, sname FROM people GROUP BY scity'),
    (e: { line: number; column: number; message: string }) => e.line === 1 && e.column === 15 && /'sname' must appear in the GROUP BY/.test(e.message),
  );
});

test('aggregates are rejected in WHERE and nested aggregates are rejected', () => {
  assert.throws(() => plan('SELECT id FROM people WHERE sum(age) > 1'), /not allowed in WHERE/);
  assert.throws(() => plan('SELECT sum(max(age)) FROM people'), /cannot be nested/);
});
