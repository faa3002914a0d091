import assert from 'node:assert/strict';
import { test } from 'node:test';
import { col, count, sum } from '../../../src/index.js';
import { Session } from '../../../src/index.js';

/**
 * Worker processes fetch each other's shuffle blocks and land them as they arrive: in memory
 * within a quarter of the worker's memory, in files past it (exec/exchange/region-landing.ts).
 * With 1 MiB per worker, a reduce task's fetched inputs (MiBs) do not fit (most land in files): both engines'
 * answers must come out the same as a plain in-memory reference.
 */
test('processes[2] with 1 MiB per worker: shuffles larger than the landing budget give the reference answers', async () => {
  const s = await Session.local({ master: 'processes[2]', memory: '1m' });
  try {
    const words = Array.from({ length: 120_000 }, (_, i) => `w${(i * 7919) % 20011}-${'x'.repeat(i % 23)}`);
    const expected = new Map<string, number>();
    for (const w of words) expected.set(w, (expected.get(w) ?? 0) + 1);
    const counts = await s.parallelize(words, 6).map((w) => [w, 1] as [string, number]).reduceByKey((a, b) => a + b, undefined, 2).collect();
    assert.deepEqual(new Map(counts), expected);

    const rows = words.map((w, i) => ({ k: w.slice(0, 4), v: i }));
    const ref = new Map<string, { s: number; n: number }>();
    for (const r of rows) {
      const g = ref.get(r.k) ?? { s: 0, n: 0 };
      g.s += r.v;
      g.n++;
      ref.set(r.k, g);
    }
    const got = await s.createDataFrame(rows, { numPartitions: 6 }).repartition(2).groupBy(col('k')).agg(sum(col('v')).as('s'), count('*').as('n')).collect();
    assert.deepEqual(new Map(got.map((r) => [r.k as string, { s: Number(r.s), n: Number(r.n) }])), ref);
  } finally {
    await s.stop();
  }
});
