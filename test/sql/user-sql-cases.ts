import type { SqlCase } from '../frame/oracle/sql-cases-basic.js';

/** Queries over t, t0, t1, t2 (pk, col0 int, col1 float, col3 int, col4 float, s string; nulls in all but pk). */
export const USER_SQL_CASES: SqlCase[] = [
  { name: 'AND binds tighter than OR', sql: 'SELECT pk FROM t WHERE col1 > 4.37 OR col3 <= 4 AND col1 = 3.2' },
  { name: 'AND binds tighter than OR, in a value', sql: 'SELECT pk, col0 > 5 OR col3 < 2 AND col1 = 3.2 AS x, NOT col0 > 5 AND col3 < 2 AS y FROM t' },
  { name: 'NOT (NULL) IS NULL is NOT (NULL IS NULL): no rows', sql: 'SELECT pk FROM t WHERE NOT (NULL) IS NULL' },
  { name: 'NOT (x) IS NULL negates the null test', sql: 'SELECT pk, NOT (col0) IS NULL AS nn FROM t WHERE NOT (col1) IS NULL' },
  { name: 'SELECT without FROM', sql: "SELECT 1 + 2 AS three, 'x' || 'y' AS xy, NULL IS NULL AS n" },
  { name: 'SELECT without FROM, aggregated and filtered', sql: 'SELECT count(*) AS n, sum(5) AS s WHERE 1 = 1' },
  { name: 'SELECT ALL', sql: 'SELECT ALL col0 FROM t' },
];
