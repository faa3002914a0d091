/**
 * Async DataFrame UDFs (item 4 of issue 10): a UDF that is async, or returns
 * promises, gives the same rows as the same function written synchronously,
 * on generated inputs with nulls, in select, filter, withColumn, aggregate and
 * sort keys, nested in other expressions and in each other, and in SQL through
 * a registered name; at most `concurrency` calls are pending per task; a
 * rejection fails the job like a throw (operator, partition, the user's stack).
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { col, count, lit, Session, sum, TaskFailedError, udf, upper, when, type DataFrame } from '../../src/index.js';
import { seededRandom } from '../../src/util/random.js';
import { BACKENDS, forEachBackend } from './backends.js';
import { pendingProbe } from './pending-probe.js';
import { canon } from './reference.js';

const rand = seededRandom(20261203);
const ROWS = Array.from({ length: 700 }, (_, i) => ({
  id: i,
  x: rand() < 0.2 ? null : Math.floor(rand() * 200) - 100,
  s: rand() < 0.2 ? null : `w${Math.floor(rand() * 30)}`,
}));
const PARTS = 2 + Math.floor(rand() * 4);

/** A tick of real waiting, so calls overlap. */
const later = <T>(v: T): Promise<T> => new Promise((r) => setTimeout(() => r(v), 0));

// The same functions, synchronous and async (declared, or only returning promises).
const tripleSync = udf(function triple(x: number | null) { return x === null ? null : x * 3; }, 'int32');
const tripleAsync = udf(async function triple(x: number | null) { await new Promise((r) => setTimeout(r, 0)); return x === null ? null : x * 3; }, 'int32');
const tagSync = udf(function tag(s: string | null, x: number | null) { return s === null ? null : `${s}:${x ?? '-'}`; }, 'string');
const tagPromise = udf(function tag(s: string | null, x: number | null) { return new Promise((r) => setTimeout(() => r(s === null ? null : `${s}:${x ?? '-'}`), 0)); }, 'string');

const rows = async (df: DataFrame) => canon(await df.collect());

forEachBackend((name, s) => {
  const df = () => s().createDataFrame(ROWS, { numPartitions: PARTS });
  /** Runs `q` with the sync UDFs and with the async ones: the rows must be the same. */
  const same = async (q: (triple: typeof tripleSync, tag: typeof tagSync) => DataFrame) => {
    const expected = await rows(q(tripleSync, tagSync));
    assert.deepEqual(await rows(q(tripleAsync, tagPromise)), expected);
    return expected;
  };

  test(`${name}: select, filter, withColumn with async UDFs give the sync UDFs' rows`, async () => {
    const selected = await same((t, g) => df().select(col('id'), t(col('x')).as('t'), g(col('s'), col('x')).as('g')));
    // Against a plain reference too, so the comparison cannot pass on two equally wrong answers.
    assert.deepEqual(selected, canon(ROWS.map((r) => ({ id: r.id, t: r.x === null ? null : r.x * 3, g: r.s === null ? null : `${r.s}:${r.x ?? '-'}` }))));
    const filtered = await same((t) => df().filter(t(col('x')).gt(30)));
    assert.deepEqual(filtered, canon(ROWS.filter((r) => r.x !== null && r.x * 3 > 30)));
    await same((t) => df().where(t(col('x')).isNull().or(t(col('x')).lt(-50))).select('id'));
    await same((t, g) => df().withColumn('t', t(col('x'))).withColumn('g', g(col('s'), col('t'))).filter(col('id').mod(3).eq(0)));
  });

  test(`${name}: async UDFs nested in expressions and in each other`, async () => {
    await same((t, g) =>
      df().select(
        col('id'),
        t(col('x')).plus(1).as('a'),
        upper(g(col('s'), t(t(col('x'))))).as('b'),
        when(t(col('x')).gt(0), g(col('s'), lit(1))).otherwise(lit('neg')).as('c'),
        t(col('id').mod(7)).multiply(t(col('x'))).as('d'),
      ),
    );
  });

  test(`${name}: async UDFs in aggregate, sort and SQL (registered) give the sync UDFs' rows`, async () => {
    await same((t) => df().groupBy(t(col('x').mod(5)).as('k')).agg(sum(t(col('x'))).as('s'), count('*').as('n')));
    const sorted = async (t: typeof tripleSync) => (await df().orderBy(t(col('x')).desc(), col('id')).select('id').collect()).map((r) => r.id);
    assert.deepEqual(await sorted(tripleAsync), await sorted(tripleSync));
    df().createOrReplaceTempView('au');
    const sql = async (t: typeof tripleSync, g: typeof tagSync) => {
      s().udf.register('Triple', t);
      s().udf.register('tag', g);
      return rows(s().sql('SELECT id, triple(x) + 1 AS a, TAG(s, x) AS g FROM au WHERE triple(x) > 20 OR tag(s, id) IS NULL'));
    };
    const expected = await sql(tripleSync, tagSync);
    assert.ok(expected.length > 100);
    assert.deepEqual(await sql(tripleAsync, tagPromise), expected);
  });

  test(`${name}: an async UDF in a filter over an inner join (pushed into its condition) gives the sync UDF's rows`, async () => {
    const other = s().createDataFrame(ROWS.filter((r) => r.id % 3 === 0).map((r) => ({ k: r.s, y: r.x })), { numPartitions: 2 });
    const q = (t: typeof tripleSync) => df().join(other, col('s').eq(col('k'))).filter(t(col('x')).gt(col('y'))).select('id', 'y');
    assert.match(q(tripleAsync).explainString(), /HashJoin\[inner.*filter=triple\(x#\d+\) > y#\d+/);
    await same(q);
    // Repartitioning by a (sync) UDF of a column: its function is prepared like the stage's own.
    const byUdf = await df().repartition(3, tripleSync(col('x'))).collect();
    assert.deepEqual(canon(byUdf), canon(ROWS));
  });

  test(`${name}: a Dataset reading a frame with async UDFs (toDataset) gets the sync UDFs' records`, async () => {
    const records = async (t: typeof tripleSync) => df().select(col('id'), t(col('x')).as('t')).toDataset().map((r) => [r.id, r.t]).collect();
    assert.deepEqual(await records(tripleAsync), await records(tripleSync));
  });

  test(`${name}: under a limit (through projections) an async UDF is called for the rows read only`, async () => {
    const calls = s().accumulator(0);
    const counted = udf(async (x: number | null, env: { calls: { add(n: number): void } }) => {
      env.calls.add(1);
      return x;
    }, 'int32', { calls });
    const limited = await df().withColumn('t', counted(col('x'))).select('id', 't').limit(7).collect();
    assert.equal(limited.length, 7);
    assert.ok(limited.every((r) => r.t === ROWS[r.id as number]!.x));
    assert.ok(calls.value <= 7 * PARTS, `${calls.value} calls for 7 rows over ${PARTS} partitions`);
    // A filter that awaits stops once it has passed the rows wanted (whole batches: at most all rows).
    const filtered = await df().filter(counted(col('x')).gt(0)).limit(3).collect();
    assert.deepEqual(filtered.length, 3);
    assert.ok(filtered.every((r) => (r.x as number) > 0));
  });

  test(`${name}: the README example`, async () => {
    const lookup = udf(async (id: number | null) => {
      await new Promise((r) => setTimeout(r, 5));
      return id === null ? null : `user-${id}`;
    }, 'string', {}, { concurrency: 8 });
    const users = s().createDataFrame({ id: [1, 2, 3, null] });
    assert.deepEqual(await users.withColumn('name', lookup(col('id'))).where(col('name').isNotNull()).collect(), [1, 2, 3].map((id) => ({ id, name: `user-${id}` })));
    s().udf.register('lookup', lookup);
    users.createOrReplaceTempView('users');
    assert.deepEqual(await s().sql("SELECT id, upper(lookup(id)) AS name FROM users WHERE lookup(id) <> 'user-2'").collect(), [{ id: 1, name: 'USER-1' }, { id: 3, name: 'USER-3' }]);
  });

  test(`${name}: at most \`concurrency\` UDF calls are pending per task (default 16)`, async () => {
    const probe = pendingProbe;
    const many = s().createDataFrame(ROWS, { numPartitions: 2 });
    const max = async (opts?: { concurrency: number }) => {
      const pending = udf(async (x: number, env: { probe: typeof probe }) => env.probe(x), 'int32', { probe }, opts);
      return Math.max(...(await many.select(pending(col('id')).as('p')).collect()).map((r) => r.p as number));
    };
    assert.equal(await max({ concurrency: 3 }), 3);
    assert.equal(await max(), 16);
    assert.equal(await max({ concurrency: 1 }), 1);
    assert.throws(() => udf(async (x: number) => x, 'int32', {}, { concurrency: 0 }), /concurrency must be a positive integer/);
  });

  test(`${name}: a rejecting async UDF fails the job with the operator, partition and the user's stack`, async () => {
    const last = ROWS[ROWS.length - 1]!.id;
    const failing = udf(async (id: number, env: { last: number }) => {
      await new Promise((r) => setTimeout(r, 0));
      if (id === env.last) throw new Error('async udf boom');
      return id;
    }, 'int32', { last });
    await assert.rejects(df().select(failing(col('id')).plus(1)).collect(), (e: unknown) => {
      assert.ok(e instanceof TaskFailedError);
      assert.equal(e.info.operator, 'udf');
      assert.equal(e.info.partition, PARTS - 1);
      assert.match(e.info.message, /async udf boom/);
      assert.match(e.info.stack ?? '', /async-udfs\.test\.(ts|js) \[udf\]/);
      return true;
    });
    const wrongType = udf(async (x: number | null) => `n${x}`, 'int32');
    await assert.rejects(df().select(wrongType(col('x'))).collect(), /udf .* returned string n.* but was declared to return int32/);
    const key = udf(async (x: number | null) => x, 'int32');
    const other = s().createDataFrame([{ k: 1 }]);
    await assert.rejects(df().join(other, key(col('x')).eq(col('k'))).collect(), /async UDF cannot be awaited in a join condition; compute it into a column first/);
    await assert.rejects(df().repartition(3, key(col('x'))).collect(), /async UDF cannot be awaited in the keys of a repartition; compute it into a column first/);
    // The session is still usable.
    assert.equal(await df().select(tripleAsync(col('x'))).count(), ROWS.length);
  });
});

describe('awaited UDF columns beyond the memory budget', () => {
  for (const master of BACKENDS) {
    test(`${master}: an async UDF's output larger than the budget spills to disk and gives the sync UDF's rows`, async () => {
      const s = await Session.local({ master, memory: '2m' });
      try {
        let spilled = 0;
        s.on((e) => {
          if (e.type === 'taskEnd' && e.metrics) spilled += e.metrics.spilledBytes;
        });
        const N = 60_000; // ~6 MB of strings over a 2 MB budget
        const df = s.createDataFrame({ id: Array.from({ length: N }, (_, i) => i) }, { numPartitions: 2 });
        const pad = (sync: boolean) =>
          sync ? udf((i: number) => `${i}-${'p'.repeat(90)}`, 'string') : udf(async (i: number) => `${i}-${'p'.repeat(90)}`, 'string');
        const q = (sync: boolean) => df.select(col('id'), pad(sync)(col('id')).as('s')).filter(col('s').like('%7-p%')).select('id');
        const want = (await q(true).collect()).map((r) => r.id);
        assert.equal(spilled, 0, 'the sync UDF keeps nothing');
        assert.deepEqual((await q(false).collect()).map((r) => r.id), want);
        assert.ok(spilled > 0, 'the awaited column spilled');
      } finally {
        await s.stop();
      }
    });
  }
});
