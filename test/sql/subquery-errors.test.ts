/**
 * Errors a query meets on every attempt: a scalar subquery of several rows (SQL's runtime error,
 * correlated or not, never a silent pick of one row), an int32 overflow, and a subquery form the
 * optimizer cannot rewrite (rejected while planning, before any task runs). The task errors are
 * QueryErrors, which fail the job at its first attempt instead of being retried; on both backends.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, TaskFailedError } from '../../src/index.js';

const ROWS_ERROR = /more than one row returned by a subquery used as an expression/;

for (const master of ['inline', 'local[2]']) {
  describe(`query errors on ${master}`, () => {
    let s: Session;
    before(async () => {
      s = await Session.local({ master });
      const t = { k: [1, 1, 2, 3, null], v: [10, 20, 30, null, 50] };
      s.createDataFrame(t, { schema: { k: 'int32', v: 'int32' }, numPartitions: 2 }).createOrReplaceTempView('t');
      s.createDataFrame({ a: [1, 2, 3, 4] }, { schema: { a: 'int32' }, numPartitions: 2 }).createOrReplaceTempView('o');
    });
    after(async () => {
      await s.stop();
    });

    /** The query fails with `pattern`, as a job whose failing task was attempted once. */
    async function failsOnce(sql: string, pattern: RegExp): Promise<void> {
      const err = await s.sql(sql).collect().then(
        () => assert.fail(`${sql} succeeded`),
        (e: unknown) => e,
      );
      assert.ok(err instanceof TaskFailedError, `${sql}: ${String(err)}`);
      assert.match(err.message, pattern);
      assert.equal(err.info.errorName, 'QueryError');
      assert.equal(err.attempts, 1, 'not retried');
    }

    test('an uncorrelated scalar subquery of several rows is an error in the select list, in WHERE and under OR', async () => {
      await failsOnce('SELECT a, (SELECT v FROM t) AS x FROM o', ROWS_ERROR);
      await failsOnce('SELECT a FROM o WHERE a < (SELECT k FROM t WHERE k = 1)', ROWS_ERROR);
      await failsOnce('SELECT a FROM o WHERE a = 1 OR a < (SELECT k FROM t)', ROWS_ERROR);
    });

    test('one row, or none, is the value (NULL for none), including a single NULL row', async () => {
      const rows = await s.sql('SELECT a, (SELECT v FROM t WHERE k = 2) AS one, (SELECT v FROM t WHERE k > 5) AS none, (SELECT v FROM t WHERE k = 3) AS nul FROM o WHERE a < 3').collect();
      assert.deepEqual(
        rows.sort((x, y) => (x.a as number) - (y.a as number)),
        [
          { a: 1, one: 30, none: null, nul: null },
          { a: 2, one: 30, none: null, nul: null },
        ],
      );
    });

    test('a correlated scalar subquery is an error only where an outer row meets several rows', async () => {
      // o.a = 1 meets k = 1 twice.
      await failsOnce('SELECT a, (SELECT v FROM t WHERE t.k = o.a) AS x FROM o', ROWS_ERROR);
      const rows = await s.sql('SELECT a, (SELECT v FROM t WHERE t.k = o.a) AS x FROM o WHERE a > 1').collect();
      assert.deepEqual(
        rows.sort((x, y) => (x.a as number) - (y.a as number)),
        [
          { a: 2, x: 30 },
          { a: 3, x: null },
          { a: 4, x: null },
        ],
      );
    });

    test('an int32 overflow fails the job at once', async () => {
      await failsOnce('SELECT a * 2147483647 AS x FROM o', /integer overflow/);
    });

    test('a subquery the optimizer cannot rewrite is rejected while planning, naming it', async () => {
      await assert.rejects(s.sql('SELECT a, (SELECT min(v) FROM t WHERE t.k > o.a) AS m FROM o').collect(), (e: Error) => {
        assert.ok(!(e instanceof TaskFailedError), 'no task ran');
        assert.match(e.message, /unsupported subquery: \(<subquery>\)\. Correlated subqueries are supported when/);
        return true;
      });
    });
  });
}
