/**
 * UDFs registered for SQL (`session.udf.register`): called by name, case
 * insensitively, in any clause, with the same rows as the DataFrame form
 * (checked against a plain loop); bad names and non-UDFs are clear errors,
 * and an unregistered name is still an unknown function.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Session, col, udf } from '../../src/index.js';

let s: Session;
before(async () => {
  s = await Session.local({ master: 'inline' });
});
after(() => s.stop());

const rows = Array.from({ length: 40 }, (_, i) => ({ id: i, x: i % 6 === 0 ? null : (i * 7) % 23 }));
const half = udf((x: number | null) => (x === null ? null : x / 2), 'double');

test('a registered UDF is called by name in SELECT, WHERE, GROUP BY and ORDER BY', async () => {
  s.createDataFrame(rows).createOrReplaceTempView('reg');
  s.udf.register('Half', half);
  const got = await s.sql('SELECT HALF(x) AS h, count(*) AS n FROM reg WHERE half(x) > 3 GROUP BY half(x) ORDER BY half(x)').collect();
  const want = new Map<number, number>();
  for (const r of rows) if (r.x !== null && r.x / 2 > 3) want.set(r.x / 2, (want.get(r.x / 2) ?? 0) + 1);
  assert.deepEqual(got, [...want].sort((a, b) => a[0] - b[0]).map(([h, n]) => ({ h, n })));
  const frame = await s.createDataFrame(rows).select(half(col('x')).as('h')).collect();
  assert.deepEqual(await s.sql('SELECT half(x) AS h FROM reg').collect(), frame);
});

test('registering checks the name and the function; unknown names stay unknown', () => {
  assert.throws(() => s.udf.register('not a name', half), /udf\.register: "not a name" is not a SQL function name/);
  assert.throws(() => s.udf.register('f', ((x: number) => x) as unknown as typeof half), /udf\.register: give a function made by udf\(fn, returnType\)/);
  assert.throws(() => s.sql('SELECT twice(x) FROM reg'), /Unknown function twice\(\)/);
});
