/**
 * SQL oracle cases, part 1: projection and expressions, filters, three-valued logic, CASE/coalesce,
 * ORDER BY with NULLS FIRST/LAST, LIMIT/OFFSET, DISTINCT, UNION [ALL], CTEs and subqueries in FROM.
 * Tables: see sql-tables.ts.
 */

/** One query: the same text for both engines, or a text per dialect. */
export interface SqlCase {
  name: string;
  sql: string | { duck: string; sluice: string };
  /** The query has a total ORDER BY: compare in order. */
  ordered?: boolean;
  /** List-valued columns are compared as multisets. */
  unorderedLists?: boolean;
  /** NaN from DuckDB matches null from sluice (statistics over fewer than 2 rows). */
  nanIsNull?: boolean;
}

export const BASIC_CASES: SqlCase[] = [
  { name: 'select star', sql: 'SELECT * FROM t' },
  { name: 'projection with arithmetic on nullable ints and floats', sql: 'SELECT id, a + 1 AS a1, a * b AS ab, b / 4 AS bq, -a AS na, a % 7 AS am FROM t' },
  { name: 'string functions', sql: "SELECT id, upper(s) AS us, lower(s) AS ls, length(s) AS n, s || '-' || grp AS cat, substring(s, 2, 3) AS sub FROM t" },
  { name: 'date functions and comparisons', sql: "SELECT id, year(d) AS y, month(d) AS m, d < DATE '2024-02-01' AS early FROM t" },
  { name: 'filter on comparison (nulls dropped)', sql: 'SELECT id, a FROM t WHERE a > 10' },
  { name: 'filter with AND/OR/NOT over nulls', sql: 'SELECT id FROM t WHERE NOT (a > 5 AND flag) OR b < 0' },
  { name: 'three-valued logic as values', sql: 'SELECT id, flag AND a > 10 AS x, flag OR a > 10 AS y, NOT flag AS z, a = NULL AS eqnull FROM t' },
  { name: 'IS NULL / IS NOT NULL', sql: 'SELECT id, a IS NULL AS an, s IS NOT NULL AS sn FROM t WHERE b IS NULL OR d IS NULL' },
  { name: 'IN list, BETWEEN, LIKE', sql: "SELECT id FROM t WHERE grp IN ('a', 'c') AND a BETWEEN 3 AND 15 OR s LIKE '%an%'" },
  { name: 'NOT IN list with a null element matches nothing', sql: "SELECT id FROM t WHERE grp NOT IN ('a', NULL)" },
  { name: 'coalesce', sql: "SELECT id, coalesce(a, 0) AS a0, coalesce(s, grp, 'none') AS sg, coalesce(b, a, -1) AS ba FROM t" },
  { name: 'searched and simple CASE with null branches', sql: "SELECT id, CASE WHEN a > 10 THEN 'big' WHEN a > 5 THEN 'mid' WHEN a IS NULL THEN NULL ELSE 'small' END AS size, CASE grp WHEN 'a' THEN 1 WHEN 'b' THEN 2 END AS g FROM t" },
  { name: 'CAST', sql: 'SELECT id, CAST(a AS DOUBLE) / 3 AS af, CAST(a AS VARCHAR) AS sa FROM t' },
  { name: 'ORDER BY ASC NULLS FIRST', sql: 'SELECT id, a FROM t ORDER BY a ASC NULLS FIRST, id', ordered: true },
  { name: 'ORDER BY DESC NULLS LAST', sql: 'SELECT id, b FROM t ORDER BY b DESC NULLS LAST, id DESC', ordered: true },
  { name: 'ORDER BY two keys mixed directions and strings', sql: 'SELECT grp, s, id FROM t ORDER BY grp DESC NULLS FIRST, s ASC NULLS LAST, id', ordered: true },
  { name: 'ORDER BY date NULLS LAST', sql: 'SELECT id, d FROM t ORDER BY d NULLS LAST, id', ordered: true },
  { name: 'LIMIT', sql: 'SELECT id, a FROM t ORDER BY a DESC NULLS LAST, id LIMIT 7', ordered: true },
  { name: 'LIMIT OFFSET', sql: 'SELECT id, b FROM t ORDER BY b NULLS FIRST, id LIMIT 5 OFFSET 10', ordered: true },
  { name: 'DISTINCT over nullable columns', sql: 'SELECT DISTINCT grp, flag FROM t' },
  { name: 'UNION removes duplicates (nulls equal)', sql: 'SELECT grp FROM t UNION SELECT grp FROM u' },
  { name: 'UNION ALL keeps duplicates', sql: 'SELECT grp, d FROM t UNION ALL SELECT grp, d FROM u' },
  { name: 'CTE', sql: 'WITH big AS (SELECT id, grp, a FROM t WHERE a >= 10) SELECT grp, count(*) AS n FROM big GROUP BY grp' },
  { name: 'two CTEs, one referring to the other', sql: 'WITH g AS (SELECT grp, sum(a) AS sa FROM t GROUP BY grp), h AS (SELECT grp, sa * 2 AS sa2 FROM g WHERE sa > 50) SELECT * FROM h' },
  { name: 'subquery in FROM with aggregate then filter', sql: 'SELECT q.grp, q.m FROM (SELECT grp, max(b) AS m FROM t GROUP BY grp) AS q WHERE q.m > 20' },
];
