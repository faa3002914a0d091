import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, col, hour, lit, toTimestamp } from '../../src/index.js';

/** Each deliberate difference from Spark that README.md's "Differences from Spark" states, checked on both backends' common path. */

let s: Session;
before(async () => {
  s = await Session.local({ master: 'local[2]' });
});
after(() => s.stop());

class Point {
  constructor(readonly x: number) {}
  get double(): number {
    return this.x * 2;
  }
}

test('Dataset records are plain data: class instances arrive as plain objects, -0 as 0', async () => {
  const [p] = await s.parallelize([new Point(1)], 1).collect();
  assert.equal(p instanceof Point, false);
  assert.deepEqual(p, { x: 1 });
  assert.equal((p as Point).double, undefined);
  const zeros = await s.parallelize([-0, 1], 2).map((x) => x * -1).collect();
  assert.ok(Object.is(zeros[0], 0), 'Dataset -0 comes back as 0');
  const df = s.createDataFrame([{ f: -0 }], { schema: { f: 'float64' } });
  assert.ok(Object.is((await df.collect())[0]!.f, -0), 'a DataFrame float64 column keeps -0');
});

test('`/` gives float64 as in Spark, but division by zero is IEEE (Spark: NULL); integer % 0 is NULL in both', async () => {
  const df = s.createDataFrame([{ i: 7, z: 0, f: 1.5 }], { schema: { i: 'int32', z: 'int32', f: 'float64' } });
  const q = df.select(col('i').divide(2).as('half'), col('i').divide(col('z')).as('byZero'), col('z').divide(col('z')).as('zeroByZero'), col('i').mod(col('z')).as('mod'), col('f').mod(0).as('fmod'));
  assert.equal(q.schema.fields[0]!.type, 'float64');
  const [r] = await q.collect();
  assert.deepEqual({ ...r }, { half: 3.5, byZero: Infinity, zeroByZero: NaN, mod: null, fmod: NaN });
});

test('int32 overflow is an error naming the expression (Spark non-ANSI wraps around)', async () => {
  const df = s.createDataFrame([{ i: 2147483647 }], { schema: { i: 'int32' } });
  await assert.rejects(df.select(col('i').plus(1).as('j')).collect(), /integer overflow: \(i \+ 1\) gives 2147483648, out of int32 range/);
  const [r] = await df.select(col('i').cast('int64').plus(1).as('j')).collect();
  assert.equal(r!.j, 2147483648);
});

test('casts to integers round (Spark truncates): CAST(\'1.5\' AS INT) = 2, CAST(2.7 AS INT) = 3', async () => {
  const df = s.createDataFrame([{ k: 0 }], { schema: { k: 'int32' } });
  const [r] = await df.select(lit('1.5').cast('int').as('a'), lit(2.7).cast('int').as('b'), lit(-2.7).cast('int').as('c')).collect();
  assert.deepEqual({ ...r }, { a: 2, b: 3, c: -3 });
});

test("dates and timestamps are UTC whatever the process's time zone (Spark: the session time zone)", async () => {
  const saved = process.env.TZ;
  process.env.TZ = 'America/New_York';
  try {
    const df = s.createDataFrame([{ t: '2015-04-08 13:08:15' }], { schema: { t: 'string' } });
    const [r] = await df.select(hour('t').as('h'), toTimestamp('t').as('ts')).collect();
    assert.equal(r!.h, 13);
    assert.equal((r!.ts as Date).toISOString(), '2015-04-08T13:08:15.000Z');
  } finally {
    if (saved === undefined) delete process.env.TZ;
    else process.env.TZ = saved;
  }
});
