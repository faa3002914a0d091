/**
 * Async user functions (item 4 of issue 10): every operator that takes a
 * function awaits the promises it returns, against a naive reference, on each
 * backend; order is kept; at most `concurrency` calls are pending per task;
 * rejections fail the job like throws (operator, partition, the user's stack)
 * and leave the session usable.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { col, TaskFailedError } from '../../src/index.js';
import { seededRandom } from '../../src/util/random.js';
import { forEachBackend } from './backends.js';
import { pendingProbe } from './pending-probe.js';
import { canon } from './reference.js';

const rand = seededRandom(20261202);
const DATA = Array.from({ length: 300 }, () => Math.floor(rand() * 1000) - 500);
const PARTS = 1 + Math.floor(rand() * 5);

/** A tick of real waiting, so calls overlap. */
const tick = <T>(v: T): Promise<T> => new Promise((r) => setTimeout(() => r(v), 0));

forEachBackend((name, s) => {
  const ds = () => s().parallelize(DATA, PARTS);

  test(`${name}: map, filter, flatMap, keyBy, mapValues, flatMapValues with async functions keep order`, async () => {
    assert.deepEqual(await ds().map(async (x) => x * 2).collect(), DATA.map((x) => x * 2));
    assert.deepEqual(await ds().filter(async (x) => x % 3 === 0).collect(), DATA.filter((x) => x % 3 === 0));
    assert.deepEqual(await ds().flatMap(async (x) => [x, x + 1]).collect(), DATA.flatMap((x) => [x, x + 1]));
    assert.deepEqual(
      await ds().flatMap(async function* (x) { yield x; yield -x; }).collect(),
      DATA.flatMap((x) => [x, -x]),
    );
    // (x % 7 + 7) % 7: -0 would come back as 0 (a documented codec caveat).
    assert.deepEqual(await ds().keyBy(async (x) => ((x % 7) + 7) % 7).collect(), DATA.map((x) => [((x % 7) + 7) % 7, x]));
    const pairs = DATA.map((x) => [((x % 5) + 5) % 5, x] as [number, number]);
    assert.deepEqual(await s().parallelize(pairs, PARTS).mapValues(async (v) => v + 1).collect(), pairs.map(([k, v]) => [k, v + 1]));
    assert.deepEqual(
      await s().parallelize(pairs, PARTS).flatMapValues(async (v) => [v, v]).collect(),
      pairs.flatMap(([k, v]) => [[k, v], [k, v]]),
    );
    // A chain mixing sync and async operators, results settling out of order.
    const got = await ds()
      .map((x) => x + 1)
      .map(async (x, env) => (await env.tick(x)) * 3, { tick })
      .filter((x) => x > 0)
      .flatMap(async (x) => (x % 2 ? [x] : []))
      .collect();
    assert.deepEqual(got, DATA.map((x) => (x + 1) * 3).filter((x) => x > 0).flatMap((x) => (x % 2 ? [x] : [])));
  });

  test(`${name}: a function returning a promise without being declared async is awaited too`, async () => {
    assert.deepEqual(await ds().map((x) => Promise.resolve(x - 1)).collect(), DATA.map((x) => x - 1));
    assert.deepEqual(await ds().filter((x) => Promise.resolve(x > 0)).count(), DATA.filter((x) => x > 0).length);
  });

  test(`${name}: mapPartitions returning promises and async generators`, async () => {
    const sums = await ds().mapPartitions(async (it) => [[...it].reduce((a, b) => a + b, 0)]).collect();
    assert.equal(sums.length, PARTS);
    assert.equal(sums.reduce((a, b) => a + b, 0), DATA.reduce((a, b) => a + b, 0));
    assert.deepEqual(
      await ds().mapPartitions(async function* (it) { for (const x of it) yield await Promise.resolve(x * 2); }).collect(),
      DATA.map((x) => x * 2),
    );
    // Its input may itself come from an async operator.
    const idx = await ds()
      .map(async (x) => x)
      .mapPartitionsWithIndex(async (i, it) => [...it].map((x) => [i, x]))
      .collect();
    assert.deepEqual(idx.map(([, x]) => x), DATA);
  });

  test(`${name}: actions: foreach, foreachPartition, reduce, fold, aggregate, take, count`, async () => {
    const acc = s().accumulator(0);
    await ds().foreach(async (x, env) => { await env.tick(0); env.acc.add(x); }, { acc, tick });
    assert.equal(acc.value, DATA.reduce((a, b) => a + b, 0));
    const parts = s().accumulator(0);
    await ds().foreachPartition(async (it, env) => { await env.tick(0); env.parts.add([...it].length); }, { parts, tick });
    assert.equal(parts.value, DATA.length);
    assert.equal(await ds().reduce(async (a, b) => a + b), DATA.reduce((a, b) => a + b, 0));
    assert.equal(await ds().fold(0, async (a, b) => Math.max(a, b)), Math.max(0, ...DATA));
    assert.deepEqual(
      await ds().aggregate([0, 0] as [number, number], async ([n, t], x) => [n + 1, t + x] as [number, number], ([n1, t1], [n2, t2]) => [n1 + n2, t1 + t2] as [number, number]),
      [DATA.length, DATA.reduce((a, b) => a + b, 0)],
    );
    assert.deepEqual(await ds().map(async (x) => x).take(5), DATA.slice(0, 5));
    assert.equal(await ds().map(async (x) => x).count(), DATA.length);
  });

  test(`${name}: async results feed shuffles, sorts, caches and unions`, async () => {
    const kv = ds().map(async (x) => [((x % 4) + 4) % 4, 1] as [number, number]);
    const want = new Map<number, number>();
    for (const x of DATA) want.set(((x % 4) + 4) % 4, (want.get(((x % 4) + 4) % 4) ?? 0) + 1);
    assert.deepEqual(canon(await kv.reduceByKey((a, b) => a + b).collect()), canon([...want]));
    assert.deepEqual(await ds().sortBy(async (x) => -x).collect(), [...DATA].sort((a, b) => b - a));
    const cached = ds().map(async (x) => x * 10).cache();
    assert.deepEqual(await cached.collect(), DATA.map((x) => x * 10));
    assert.deepEqual(await cached.map((x) => x + 1).collect(), DATA.map((x) => x * 10 + 1));
    cached.unpersist();
    const u = await ds().map(async (x) => x).union(ds().filter(async (x) => x > 0)).collect();
    assert.deepEqual(u, [...DATA, ...DATA.filter((x) => x > 0)]);
    const sampled = await ds().map(async (x) => x).sample(false, 0.5, 7).collect();
    assert.deepEqual(sampled, await ds().sample(false, 0.5, 7).collect());
  });

  test(`${name}: at most \`concurrency\` calls are pending per task (default 16)`, async () => {
    const probe = pendingProbe;
    const big = Array.from({ length: 200 }, (_, i) => i);
    // Declared async, so no call is made on the sync path first (see the README on functions that only return promises).
    const max = async (opts?: { concurrency: number }) => Math.max(...(await s().parallelize(big, 2).map(async (x, env) => env.probe(x), { probe }, opts).collect()));
    assert.equal(await max({ concurrency: 3 }), 3);
    assert.equal(await max(), 16);
    assert.equal(await max({ concurrency: 1 }), 1);
    const seen = s().collectionAccumulator<number>();
    await s().parallelize(big, 2).foreach(async (x, env) => { env.seen.add(await env.probe(x)); }, { probe, seen }, { concurrency: 5 });
    assert.equal(Math.max(...seen.value), 5);
    assert.throws(() => ds().map(async (x) => x, {}, { concurrency: 0 }), /concurrency must be a positive integer/);
  });

  test(`${name}: a rejection fails the job with the operator, partition and the user's stack; the session stays usable`, async () => {
    const failing = ds().map(async (x, env) => {
      await Promise.resolve();
      if (x === env.last) throw new Error(`async boom ${x}`);
      return x;
    }, { last: DATA[DATA.length - 1] });
    await assert.rejects(failing.collect(), (e: unknown) => {
      assert.ok(e instanceof TaskFailedError);
      assert.equal(e.info.operator, 'map');
      assert.equal(e.info.partition, PARTS - 1);
      assert.match(e.info.message, /async boom/);
      assert.match(e.info.stack ?? '', /async-functions\.test\.(ts|js) \[map\]/);
      return true;
    });
    await assert.rejects(ds().filter((x, env) => (x === env.first ? Promise.reject('plain') : Promise.resolve(true)), { first: DATA[0] }).count(), /filter .*plain/s);
    await assert.rejects(ds().foreach(async () => { throw new RangeError('in foreach'); }), (e: unknown) => e instanceof TaskFailedError && e.info.operator === 'foreach' && /in foreach/.test(e.message));
    assert.deepEqual(await ds().map(async (x) => x).collect(), DATA);
  });

  test(`${name}: functions that cannot be awaited fail clearly instead of passing promises on`, async () => {
    const pairs = s().parallelize([[1, 1], [1, 2], [2, 3]] as Array<[number, number]>, 2);
    await assert.rejects(pairs.reduceByKey((async (a: number, b: number) => a + b) as unknown as (a: number, b: number) => number).collect(), (e: unknown) => e instanceof TaskFailedError && e.info.operator === 'reduceByKey' && /cannot be awaited/.test(e.message));
    const mapped = s().parallelize([{ x: 1 }, { x: 2 }], 2).map(async (r) => ({ x: r.x + 1 }));
    await assert.rejects(s().createDataFrame(mapped, { schema: { x: 'int32' } }).select(col('x')).collect(), /map.*cannot be awaited/s);
    assert.equal(await pairs.count(), 3);
  });
});
