/**
 * IN and scalar subqueries that hold a correlated EXISTS of their own (correlated with the
 * subquery, not with the outer query) are uncorrelated from outside: they were left as filters
 * nobody could evaluate ("cannot evaluate a inSubquery expression"). Answers against DuckDB.
 */
import { after, before, test } from 'node:test';
import { oracleSession, type OracleSession } from '../../sql/fuzz/oracle-session.js';

let o: OracleSession;
before(async () => (o = await oracleSession(3)));
after(() => o.close());

const queries = [
  'SELECT a.i0a AS c FROM t0 AS a WHERE a.i0a IN (SELECT b.i0b FROM t1 AS b WHERE EXISTS (SELECT 1 AS x FROM t2 AS c WHERE c.i0c = b.i0b))',
  'SELECT a.i0a AS c FROM t0 AS a WHERE a.i0a NOT IN (SELECT b.i0b FROM t1 AS b WHERE NOT EXISTS (SELECT 1 AS x FROM t2 AS c WHERE c.i0c = b.i0b))',
  'SELECT a.i0a AS c FROM t0 AS a WHERE a.i0a IN (SELECT b.i0b FROM t1 AS b WHERE EXISTS (SELECT 1 AS x FROM t2 AS c WHERE c.l0c = b.l0b))',
  'SELECT a.i0a AS c FROM t0 AS a WHERE a.l0a > (SELECT min(c.l0c) FROM t2 AS c WHERE EXISTS (SELECT 1 AS x FROM t1 AS b WHERE b.l0b = c.l0c))',
  'SELECT a.i0a AS c FROM t0 AS a WHERE a.i0a IN (SELECT b.i0b FROM t1 AS b WHERE b.i0b IN (SELECT c.i0c FROM t2 AS c WHERE EXISTS (SELECT 1 AS y FROM t0 AS d WHERE d.i0a = c.i0c)))',
];

for (const sql of queries) test(`nested subquery: ${sql}`, () => o.check(sql));
