/**
 * checkpoint() on Datasets and DataFrames, on every backend: the answers after a checkpoint
 * equal the answers before it and a plain reference, on generated inputs; the plan after it
 * has no parents (a checkpoint scan); and an iterative loop that checkpoints every 10
 * iterations keeps its plan depth bounded.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { col, sum, count, type Dataset } from '../../src/index.js';
import { seededRandom } from '../../src/util/random.js';
import { forEachBackend } from '../conformance/backends.js';

const byKey = (a: [number, number], b: [number, number]) => a[0] - b[0];

forEachBackend((name, getSession) => {
  test(`${name}: a checkpointed Dataset has the same records, no parents, and keeps its partitioner`, async () => {
    const s = getSession();
    for (let seed = 1; seed <= 4; seed++) {
      const rand = seededRandom(seed);
      const xs = Array.from({ length: Math.floor(rand() * 500) }, () => Math.floor(rand() * 1000) - 300);
      const parts = 1 + Math.floor(rand() * 6);
      const sums = s.parallelize(xs, parts).map((x) => [Math.abs(x) % 13, x] as [number, number]).reduceByKey((a, b) => a + b, undefined, parts);
      const c = await sums.checkpoint();
      const want = new Map<number, number>();
      for (const x of xs) want.set(Math.abs(x) % 13, (want.get(Math.abs(x) % 13) ?? 0) + x);
      assert.deepEqual((await c.collect()).sort(byKey), [...want].sort(byKey), `seed ${seed}`);
      assert.deepEqual((await c.collect()).sort(byKey), (await sums.collect()).sort(byKey));
      assert.equal(c.numPartitions, sums.numPartitions);
      assert.deepEqual(c.node.deps, [], 'no parents');
      assert.deepEqual(c.node.partitioner, sums.node.partitioner, 'the partitioner is kept');
      assert.match(c.toDebugString(), /^\(\d+\) checkpoint #\d+ at checkpoint\.test\.[jt]s/);
      assert.equal(c.toDebugString().split('\n').length, 1);
      assert.deepEqual((await (await sums.checkpoint()).collect()).sort(byKey), [...want].sort(byKey), 'checkpointed again');
      // Records of every kind survive the file (the record codec's types).
      const odd = [{ a: 1, b: [1, 'x'], c: null }, 'str', 3.5, true, new Date(5), new Map([[1, 2]]), undefined, 2n ** 70n];
      assert.deepEqual(await (await s.parallelize(odd, 3).checkpoint()).collect(), odd);
    }
  });

  test(`${name}: an iterative loop checkpointed every 10 iterations keeps a bounded plan and the right answer`, async () => {
    const s = getSession();
    let ranks: Dataset<[number, number]> = s.parallelize(Array.from({ length: 20 }, (_, i) => [i, 1] as [number, number]), 3);
    let want = Array.from({ length: 20 }, (_, i) => [i, 1] as [number, number]);
    let deepest = 0;
    for (let i = 1; i <= 50; i++) {
      ranks = ranks.map(([k, v]) => [(k * 7 + 3) % 20, v * 0.5 + k] as [number, number]).reduceByKey((a, b) => a + b, undefined, 3);
      const next = new Map<number, number>();
      for (const [k, v] of want) next.set((k * 7 + 3) % 20, (next.get((k * 7 + 3) % 20) ?? 0) + v * 0.5 + k);
      want = [...next];
      if (i % 10 === 0) ranks = await ranks.checkpoint();
      deepest = Math.max(deepest, ranks.toDebugString().split('\n').length);
    }
    assert.ok(deepest <= 40, `plan depth ${deepest} lines: bounded by 10 iterations`);
    const got = (await ranks.collect()).sort(byKey);
    assert.equal(got.length, want.length);
    for (const [k, v] of want.sort(byKey)) assert.ok(Math.abs(got[k]![1] - v) <= 1e-9 * Math.abs(v), `key ${k}: ${got[k]![1]} vs ${v}`);
  });

  test(`${name}: a checkpointed DataFrame has the same rows; its plan is a scan of the checkpoint`, async () => {
    const s = getSession();
    for (let seed = 1; seed <= 3; seed++) {
      const rand = seededRandom(100 + seed);
      const rows = Array.from({ length: 1 + Math.floor(rand() * 300) }, (_, i) => ({
        id: i,
        k: `k${Math.floor(rand() * 7)}`,
        v: rand() < 0.15 ? null : Math.floor(rand() * 1000) - 500,
        f: rand() * 10,
        b: rand() < 0.5,
      }));
      const df = s.createDataFrame(rows).filter(col('id').mod(3).ne(1)).groupBy('k').agg(sum('v').as('sv'), count('id').as('n'));
      const c = await df.checkpoint();
      const want = new Map<string, { sv: number | null; n: number }>();
      for (const r of rows.filter((r) => r.id % 3 !== 1)) {
        const g = want.get(r.k) ?? { sv: null, n: 0 };
        if (r.v !== null) g.sv = (g.sv ?? 0) + r.v;
        g.n++;
        want.set(r.k, g);
      }
      const norm = (xs: Array<Record<string, unknown>>) => xs.map((r) => ({ k: r.k, sv: r.sv === null ? null : Number(r.sv), n: Number(r.n) })).sort((a, b) => String(a.k).localeCompare(String(b.k)));
      const expected = [...want].map(([k, g]) => ({ k, ...g })).sort((a, b) => a.k.localeCompare(b.k));
      assert.deepEqual(norm(await c.collect()), expected, `seed ${seed}`);
      assert.deepEqual(norm(await c.collect()), norm(await df.collect()));
      const plain = await s.createDataFrame(rows).checkpoint();
      assert.deepEqual(await plain.orderBy('id').collect(), rows, 'every column round-trips');
      const explain = c.explainString();
      assert.match(explain, /== Optimized Logical Plan ==\nScan: checkpoint-\d+\n/);
      assert.doesNotMatch(explain.split('== Optimized Logical Plan ==')[1]!, /Aggregate|Filter/, 'nothing before the checkpoint is left');
    }
  });

  test(`${name}: an iterative DataFrame loop checkpointed every 10 iterations keeps a bounded plan`, async () => {
    const s = getSession();
    let df = s.createDataFrame(Array.from({ length: 30 }, (_, i) => ({ x: i })));
    let deepest = 0;
    for (let i = 1; i <= 50; i++) {
      df = df.select(col('x').plus(1).as('x'));
      if (i % 10 === 0) df = await df.checkpoint();
      deepest = Math.max(deepest, df.explainString().split('== Optimized')[0]!.split('\n').length);
    }
    assert.ok(deepest <= 15, `logical plan of ${deepest} lines`);
    assert.deepEqual((await df.orderBy('x').collect()).map((r) => r.x), Array.from({ length: 30 }, (_, i) => i + 50));
  });
});

test('checkpoint files live in the session\'s directory and go with it at stop() (default checkpointDir)', async () => {
  const { Session } = await import('../../src/index.js');
  const s = await Session.local({ master: 'inline' });
  const ds = s.parallelize([1, 2, 3], 2);
  const dir = ds.engine.driver.checkpointDir;
  await ds.checkpoint();
  assert.ok(existsSync(dir));
  await s.stop();
  assert.ok(!existsSync(dir), 'removed at stop()');
});
