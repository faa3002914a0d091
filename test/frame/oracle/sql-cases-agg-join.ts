/**
 * SQL oracle cases, part 2: every aggregate (global, grouped, with null group keys, HAVING) and
 * every join type, including null join keys and IN/EXISTS semi and anti joins.
 */
import type { SqlCase } from './sql-cases-basic.js';

export const AGG_CASES: SqlCase[] = [
  { name: 'global count/sum/min/max/avg over nulls', sql: 'SELECT count(*) AS n, count(a) AS na, sum(a) AS sa, min(b) AS mnb, max(b) AS mxb, avg(b) AS ab, min(s) AS ms, max(d) AS md FROM t' },
  { name: 'aggregates of an empty input', sql: 'SELECT count(*) AS n, count(a) AS na, sum(a) AS sa, max(b) AS mb, avg(b) AS ab FROM t WHERE id < 0' },
  { name: 'group by with a null group key', sql: 'SELECT grp, count(*) AS n, count(b) AS nb, sum(b) AS sb, min(a) AS mn, max(a) AS mx FROM t GROUP BY grp' },
  { name: 'group by two keys (bool and string, both nullable)', sql: 'SELECT grp, flag, count(*) AS n, avg(a) AS aa FROM t GROUP BY grp, flag' },
  { name: 'group by a date', sql: 'SELECT d, count(*) AS n, sum(a) AS sa FROM t GROUP BY d' },
  { name: 'group by an expression', sql: 'SELECT a % 3 AS r, count(*) AS n, sum(b) AS sb FROM t GROUP BY a % 3' },
  { name: 'variance and standard deviation', sql: 'SELECT grp, var_samp(b) AS vs, var_pop(b) AS vp, stddev_samp(b) AS ss, stddev_pop(b) AS sp FROM t GROUP BY grp' },
  { name: 'corr and covariance', sql: 'SELECT grp, corr(a, b) AS c, covar_samp(a, b) AS cs, covar_pop(a, b) AS cp FROM t GROUP BY grp' },
  { name: 'statistics of one-row groups', sql: 'SELECT id, var_samp(b) AS vs, stddev_samp(b) AS ss, var_pop(b) AS vp, corr(a, b) AS c FROM t GROUP BY id', nanIsNull: true },
  { name: 'median', sql: 'SELECT grp, median(b) AS mb, median(a) AS ma FROM t GROUP BY grp' },
  { name: 'quantile_cont', sql: 'SELECT grp, quantile_cont(b, 0.25) AS q1, quantile_cont(b, 0.9) AS q9 FROM t GROUP BY grp' },
  { name: 'count distinct with nulls', sql: 'SELECT grp, count(DISTINCT a) AS da, count(DISTINCT s) AS ds FROM t GROUP BY grp' },
  { name: 'global count distinct', sql: 'SELECT count(DISTINCT grp) AS g, count(DISTINCT d) AS dd FROM t' },
  { name: 'first/last of a value functionally dependent on the key', sql: 'SELECT grp, first(gcode) AS f, last(gcode) AS l FROM t GROUP BY grp' },
  {
    name: 'list / collect_list (order-independent)',
    sql: { duck: 'SELECT grp, list(id) AS ids FROM t GROUP BY grp', sluice: 'SELECT grp, collect_list(id) AS ids FROM t GROUP BY grp' },
    unorderedLists: true,
  },
  { name: 'HAVING on an aggregate not in the select list', sql: 'SELECT grp, sum(a) AS sa FROM t GROUP BY grp HAVING count(*) > 25' },
  { name: 'HAVING on an aggregate alias expression', sql: 'SELECT grp, avg(b) AS ab FROM t GROUP BY grp HAVING avg(b) > -100 AND max(a) >= 15' },
  { name: 'arithmetic over aggregates', sql: 'SELECT grp, max(a) - min(a) AS rng, sum(b) / count(b) AS mean_b FROM t GROUP BY grp' },
  { name: 'aggregate then ORDER BY aggregate', sql: 'SELECT grp, count(*) AS n FROM t GROUP BY grp ORDER BY n DESC, grp NULLS FIRST', ordered: true },
];

export const JOIN_CASES: SqlCase[] = [
  { name: 'inner join with null and duplicate keys', sql: 'SELECT t.id, t.a, u.w FROM t JOIN u ON t.id = u.id' },
  { name: 'inner join on a nullable key (nulls never match)', sql: 'SELECT t.id, u.id AS uid, u.w FROM t JOIN u ON t.a = u.id' },
  { name: 'left join', sql: 'SELECT t.id, t.grp, v.label FROM t LEFT JOIN v ON t.grp = v.grp' },
  { name: 'right join', sql: 'SELECT t.id, v.grp, v.label FROM t RIGHT JOIN v ON t.grp = v.grp' },
  { name: 'full outer join', sql: 'SELECT t.id, u.id AS uid, u.grp AS ugrp FROM t FULL OUTER JOIN u ON t.id = u.id' },
  { name: 'join on two keys', sql: 'SELECT t.id, u.w FROM t JOIN u ON t.grp = u.grp AND t.d = u.d' },
  { name: 'join with an extra non-equi condition', sql: 'SELECT t.id, u.w FROM t JOIN u ON t.grp = u.grp AND t.b < u.w - 60' },
  { name: 'cross join', sql: 'SELECT t.id, v.label FROM t CROSS JOIN v WHERE t.id <= 5' },
  { name: 'three-way join then aggregate', sql: 'SELECT v.label, count(*) AS n, sum(u.w) AS sw FROM t JOIN u ON t.id = u.id JOIN v ON u.grp = v.grp GROUP BY v.label' },
  { name: 'semi join via IN subquery', sql: 'SELECT id, grp FROM t WHERE id IN (SELECT id FROM u)' },
  { name: 'semi join via correlated EXISTS', sql: 'SELECT id FROM t WHERE EXISTS (SELECT 1 FROM u WHERE u.grp = t.grp AND u.w > 90)' },
  { name: 'anti join via NOT IN over a non-null subquery', sql: 'SELECT id FROM t WHERE id NOT IN (SELECT id FROM u WHERE id IS NOT NULL)' },
  { name: 'NOT IN over a subquery containing null returns nothing', sql: 'SELECT id FROM t WHERE id NOT IN (SELECT id FROM u)' },
  { name: 'anti join via correlated NOT EXISTS (null keys kept)', sql: 'SELECT id, grp FROM t WHERE NOT EXISTS (SELECT 1 FROM v WHERE v.grp = t.grp)' },
  { name: 'join of two aggregated subqueries', sql: 'SELECT x.grp, x.n, y.sw FROM (SELECT grp, count(*) AS n FROM t GROUP BY grp) x JOIN (SELECT grp, sum(w) AS sw FROM u GROUP BY grp) y ON x.grp = y.grp' },
];
