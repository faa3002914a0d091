import type { SqlCase } from '../frame/oracle/sql-cases-basic.js';

/** Queries over t, t0, t1, t2 (pk, col0 int, col1 float, col3 int, col4 float, s string; nulls in all but pk), one(k) and two(k) (one and two rows). */
export const USER_SQL_CASES: SqlCase[] = [
  { name: 'AND binds tighter than OR', sql: 'SELECT pk FROM t WHERE col1 > 4.37 OR col3 <= 4 AND col1 = 3.2' },
  { name: 'AND binds tighter than OR, in a value', sql: 'SELECT pk, col0 > 5 OR col3 < 2 AND col1 = 3.2 AS x, NOT col0 > 5 AND col3 < 2 AS y FROM t' },
  { name: 'NOT (NULL) IS NULL is NOT (NULL IS NULL): no rows', sql: 'SELECT pk FROM t WHERE NOT (NULL) IS NULL' },
  { name: 'NOT (x) IS NULL negates the null test', sql: 'SELECT pk, NOT (col0) IS NULL AS nn FROM t WHERE NOT (col1) IS NULL' },
  { name: 'SELECT without FROM', sql: "SELECT 1 + 2 AS three, 'x' || 'y' AS xy, NULL IS NULL AS n" },
  { name: 'SELECT without FROM, aggregated and filtered', sql: 'SELECT count(*) AS n, sum(5) AS s WHERE 1 = 1' },
  { name: 'SELECT ALL', sql: 'SELECT ALL col0 FROM t' },
  { name: 'NOT IN and IN with a one-element list of a column', sql: 'SELECT pk FROM t WHERE col1 NOT IN (col0) OR col3 IN (col0)' },
  { name: 'NOT IN with a one-element list, as a value', sql: 'SELECT pk, col3 NOT IN (col0) AS x, col3 NOT IN (NULL) AS y FROM t' },
  { name: 'aggregates with DISTINCT and ALL', sql: 'SELECT SUM(DISTINCT col0) AS a, MAX(DISTINCT col3) AS b, AVG(DISTINCT col0) AS c, COUNT(ALL col0) AS d, MIN(DISTINCT col1) AS e, COUNT(DISTINCT col3) AS f FROM t' },
  { name: 'grouped aggregates with DISTINCT', sql: 'SELECT s, SUM(DISTINCT col0) AS a, AVG(DISTINCT col3) AS b, COUNT(ALL col3) AS c, SUM(col0) AS d FROM t GROUP BY s' },
  { name: 'simple CASE with a parenthesised operand', sql: "SELECT pk, CASE (col0) WHEN 3 THEN 'three' WHEN col3 THEN 'same' ELSE 'other' END AS c, CASE (col0 + 1) WHEN 4 THEN 1 END AS d FROM t" },
  { name: 'a parenthesised cross join', sql: 'SELECT t0.pk, t1.pk AS p1 FROM (t0 CROSS JOIN t1) WHERE t0.col0 > t1.col0' },
  { name: 'a join whose right side is a parenthesised join', sql: 'SELECT t0.pk, t1.pk AS p1, t2.pk AS p2 FROM t0 JOIN (t1 JOIN t2 ON t1.pk = t2.col0) ON t0.pk = t1.col3' },
  { name: 'a parenthesised outer join joined again', sql: 'SELECT x.pk, y.pk AS yp, z.s FROM (t0 x LEFT JOIN t1 y ON x.pk = y.col0) JOIN t2 z ON z.pk = x.pk' },
  { name: 'comma joins with aliases', sql: 'SELECT t2.pk, a.pk AS ap, b.col0 FROM t2, t1 AS a, t0 AS b WHERE b.pk = a.col3 AND t2.col0 = a.col0' },
  { name: 'NATURAL JOIN in parentheses', sql: 'SELECT * FROM (t0 NATURAL JOIN t1)' },
  { name: 'uncorrelated scalar subquery in the select list', sql: 'SELECT pk, (SELECT max(col0) FROM t1) AS m, (SELECT col0 FROM t1 WHERE col0 > 100) AS none FROM t' },
  { name: 'scalar subquery inside CASE', sql: 'SELECT pk, CASE WHEN col0 > (SELECT avg(col0) FROM t1) THEN 1 ELSE 0 END AS m FROM t' },
  { name: 'scalar subquery under OR in WHERE', sql: 'SELECT pk FROM t WHERE col0 > (SELECT avg(col0) FROM t1) OR col3 = 1' },
  { name: 'IN (subquery) under OR', sql: 'SELECT pk FROM t WHERE col0 IN (SELECT col3 FROM t1) OR col3 = 1' },
  { name: 'IN (subquery) under NOT and OR', sql: 'SELECT pk FROM t WHERE NOT (col0 IN (SELECT col3 FROM t1) OR col3 = 1)' },
  { name: 'NOT IN (subquery with NULLs) under OR', sql: 'SELECT pk FROM t WHERE col0 NOT IN (SELECT col3 FROM t1) OR col3 IS NULL' },
  { name: 'IN and NOT IN (subquery) as values, with NULLs on both sides', sql: 'SELECT pk, col0 IN (SELECT col3 FROM t1) AS x, col0 NOT IN (SELECT col3 FROM t1) AS y, col0 NOT IN (SELECT col3 FROM t1 WHERE col3 IS NOT NULL) AS z, col0 IN (SELECT col3 FROM t1 WHERE col3 > 100) AS e FROM t' },
  { name: 'correlated EXISTS under OR', sql: 'SELECT pk FROM t WHERE EXISTS (SELECT 1 FROM t1 WHERE t1.col0 = t.col0) OR col3 = 1' },
  { name: 'correlated EXISTS under NOT', sql: 'SELECT pk FROM t WHERE NOT (EXISTS (SELECT 1 FROM t1 WHERE t1.col0 = t.col0 AND t1.col1 > 3) AND col3 = 1)' },
  { name: 'uncorrelated EXISTS as values', sql: 'SELECT pk, EXISTS (SELECT 1 FROM t1 WHERE col0 > 100) AS e, NOT EXISTS (SELECT 1 FROM t1) AS f FROM t' },
  { name: 'correlated scalar subqueries in the select list, count over no rows is 0', sql: 'SELECT pk, (SELECT max(col0) FROM t1 WHERE t1.col3 = t.col3) AS m, (SELECT count(*) FROM t1 WHERE t1.col3 = t.col3) AS n, (SELECT count(*) + 1 FROM t1 WHERE t1.col3 = t.col3 AND t1.col0 > 2) AS n2 FROM t' },
  {
    name: 'a 20-table comma join with an equality chain',
    sql: `SELECT a0.pk, a19.col0 FROM ${Array.from({ length: 20 }, (_, i) => `t${i % 3} a${i}`).join(', ')} WHERE ${Array.from({ length: 19 }, (_, i) => `a${i}.pk = a${i + 1}.pk`).join(' AND ')}`,
  },
  {
    name: 'a 20-table comma join of one- and two-row tables without WHERE, aggregated',
    sql: `SELECT count(x0.k) AS n, sum(x1.k + x19.k) AS s FROM ${Array.from({ length: 20 }, (_, i) => `${i % 2 ? 'two' : 'one'} x${i}`).join(', ')}`,
  },
  {
    name: 'log(x) is the natural logarithm, log(base, x) divides logarithms, ln stays',
    sql: {
      sluice: 'SELECT pk, log(col4) AS a, log(2, col4) AS b, ln(col4) AS c, LOG(col0 + 0.5, col4 + 1) AS d FROM t WHERE col4 > 0',
      duck: 'SELECT pk, ln(col4) AS a, log(2, col4) AS b, ln(col4) AS c, ln(col4 + 1) / ln(col0 + 0.5) AS d FROM t WHERE col4 > 0',
    },
  },
];
