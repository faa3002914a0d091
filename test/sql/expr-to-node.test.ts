import { test } from 'node:test';
import assert from 'node:assert/strict';
import { printExpr } from '../../src/frame/logical/print.js';
import { parseExpression } from '../../src/sql/parse-expression.js';
import { sqlParserReady } from '../../src/sql/parse.js';

await sqlParserReady();

const p = (text: string): string => printExpr(parseExpression(text));

test('literals: integer widths, floats, strings with quotes, booleans, NULL, DATE and TIMESTAMP', () => {
  assert.deepEqual(parseExpression('42'), { kind: 'literal', value: 42, type: 'int32' });
  assert.deepEqual(parseExpression('3000000000'), { kind: 'literal', value: 3000000000, type: 'int64' });
  assert.deepEqual(parseExpression('2.5'), { kind: 'literal', value: 2.5, type: 'float64' });
  assert.deepEqual(parseExpression('1e3'), { kind: 'literal', value: 1000, type: 'float64' });
  assert.deepEqual(parseExpression('-7'), { kind: 'literal', value: -7, type: 'int32' });
  assert.deepEqual(parseExpression("'it''s'"), { kind: 'literal', value: "it's", type: 'string' });
  assert.deepEqual(parseExpression('TRUE'), { kind: 'literal', value: true, type: 'bool' });
  assert.deepEqual(parseExpression('NULL'), { kind: 'literal', value: null, type: 'null' });
  assert.deepEqual(parseExpression("DATE '2024-02-29'"), { kind: 'literal', value: '2024-02-29', type: 'date' });
  assert.deepEqual(parseExpression("TIMESTAMP '2024-01-01 10:30:00'"), { kind: 'literal', value: '2024-01-01 10:30:00', type: 'timestamp' });
  assert.throws(() => parseExpression("DATE '2023-02-29'"), /Invalid DATE literal/);
});

test('columns, qualified columns, quoted identifiers', () => {
  assert.deepEqual(parseExpression('t.age'), { kind: 'column', name: 'age', qualifier: 't' });
  assert.deepEqual(parseExpression('"Mixed Case"'), { kind: 'column', name: 'Mixed Case' });
});

test('arithmetic, comparison, logic, concatenation and unary minus', () => {
  assert.equal(p('(a + 1) * 2 % 3 - b / c'), '(a + 1) * 2 % 3 - b / c');
  assert.equal(p('a <> 1 OR NOT (b >= 2 AND c < 3)'), 'a != 1 OR NOT (b >= 2 AND c < 3)');
  assert.equal(p("s || '-' || t"), "s || '-' || t");
  assert.deepEqual(parseExpression('-a'), { kind: 'unary', op: 'neg', arg: { kind: 'column', name: 'a' } });
});

test('BETWEEN, IN lists, LIKE/ILIKE, IS [NOT] NULL, IS TRUE', () => {
  assert.equal(p('a BETWEEN 1 AND 5'), 'a >= 1 AND a <= 5');
  assert.equal(p('a NOT BETWEEN 1 AND 5'), 'NOT (a >= 1 AND a <= 5)');
  assert.deepEqual(parseExpression("a NOT IN (1, 2)"), {
    kind: 'in',
    arg: { kind: 'column', name: 'a' },
    list: [
      { kind: 'literal', value: 1, type: 'int32' },
      { kind: 'literal', value: 2, type: 'int32' },
    ],
    negated: true,
  });
  assert.deepEqual(parseExpression("s NOT ILIKE 'a%'"), { kind: 'like', arg: { kind: 'column', name: 's' }, pattern: 'a%', negated: true, caseInsensitive: true });
  assert.equal(p("s LIKE '_b'"), "s LIKE '_b'");
  assert.equal(p('a IS NULL AND b IS NOT NULL'), 'a IS NULL AND b IS NOT NULL');
  assert.equal(p('f IS TRUE'), 'coalesce(f, false)');
  assert.equal(p('f IS NOT FALSE'), 'NOT coalesce(NOT f, false)');
  assert.throws(() => parseExpression('s LIKE t'), /not a string literal/);
});

test('CASE searched and simple, CAST and ::', () => {
  assert.equal(p("CASE WHEN a > 1 THEN 'big' WHEN a IS NULL THEN NULL ELSE 'small' END"), "CASE WHEN a > 1 THEN 'big' WHEN a IS NULL THEN NULL ELSE 'small' END");
  assert.equal(p("CASE a WHEN 1 THEN 'one' WHEN 2 THEN 'two' END"), "CASE WHEN a = 1 THEN 'one' WHEN a = 2 THEN 'two' END");
  assert.equal(p('CAST(a AS DOUBLE)'), 'CAST(a AS FLOAT64)');
  assert.equal(p('a::bigint + b::int + c::varchar(10)::integer'), 'CAST(a AS INT64) + CAST(b AS INT32) + CAST(CAST(c AS STRING) AS INT32)');
  assert.equal(p("'2024-01-01'::date"), "CAST('2024-01-01' AS DATE)");
  assert.throws(() => parseExpression('a::int[]'), /array type/);
});

test('scalar functions use the library canonical names; date_diff and EXTRACT are rewritten', () => {
  assert.equal(p('substr(s, 1, 2)'), 'substring(s, 1, 2)');
  assert.equal(p('POWER(a, 2) + CEILING(b)'), 'pow(a, 2) + ceil(b)');
  assert.equal(p('lower(trim(s))'), 'lower(trim(s))');
  assert.equal(p('log(x) + log(2, x)'), 'log(x) + log(2, x)');
  assert.equal(p("date_diff('day', d1, d2)"), 'datediff(d2, d1)');
  assert.equal(p('datediff(d2, d1)'), 'datediff(d2, d1)');
  assert.equal(p('extract(year FROM d) * 100 + month(d)'), 'year(d) * 100 + month(d)');
  assert.throws(() => parseExpression('lowr(s)'), /Unknown function lowr\(\)\. Did you mean lower\(\)\?/);
});

test('aggregates: count(*), count(DISTINCT x), statistics, lists and percentiles', () => {
  assert.deepEqual(parseExpression('count(*)'), { kind: 'agg', fn: 'count_star', args: [], distinct: false, params: [] });
  assert.equal(p('count(x) + count(DISTINCT y) + sum(DISTINCT (z))'), 'count(x) + count_distinct(y) + sum(DISTINCT z)');
  assert.equal(p('stddev(x) + variance(x) + var_pop(x) + corr(x, y) + covar_samp(x, y)'), 'stddev_samp(x) + var_samp(x) + var_pop(x) + corr(x, y) + covar_samp(x, y)');
  assert.equal(p('list(s)'), 'collect_list(s)');
  assert.equal(p('array_agg(s)'), 'collect_list(s)');
  assert.equal(p('median(x) + first(x) + last(x) + approx_count_distinct(x)'), 'median(x) + first(x) + last(x) + approx_count_distinct(x)');
  assert.deepEqual(parseExpression('quantile_cont(x, 0.25)'), { kind: 'agg', fn: 'percentile', args: [{ kind: 'column', name: 'x' }], distinct: false, params: [0.25] });
  assert.equal(p('percentile_cont(x, 0.5)'), 'percentile(x, 0.5)');
  assert.equal(p('percentile_cont(0.9) WITHIN GROUP (ORDER BY x)'), 'percentile(x, 0.9)');
  assert.equal(p('approx_quantile(x, 0.75)'), 'approx_percentile(x, 0.75)');
  assert.throws(() => parseExpression('quantile_cont(x, 2)'), /fraction between 0 and 1/);
});

test('FILTER (WHERE ...) guards the aggregate argument', () => {
  assert.equal(p('sum(x) FILTER (WHERE y > 0)'), 'sum(CASE WHEN y > 0 THEN x END)');
  assert.equal(p('count(*) FILTER (WHERE y > 0)'), 'count(CASE WHEN y > 0 THEN 1 END)');
});

test('window functions and INTERVAL are unsupported, naming the construct', () => {
  assert.throws(() => parseExpression('row_number() OVER (ORDER BY x)'), /Unsupported SQL: window functions/);
  assert.throws(() => parseExpression("d + INTERVAL '1 day'"), /Unsupported SQL: INTERVAL/);
});
