import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { Session, col, sum } from '../../../src/index.js';

// With a 64 KiB budget every shuffle block and cached partition is a file in the driver's spill
// directory, so what is still held can be counted without waiting for the garbage collector.
test('a query frees its own shuffles when its action ends; a cached stage keeps its shuffles until unpersist', async () => {
  const s = await Session.local({ master: 'local[2]', memory: '64k' });
  try {
    const { spillDir } = (s as unknown as { engine: { driver: { spillDir: string } } }).engine.driver;
    const files = () => readdirSync(spillDir).length;
    const df = s.createDataFrame({ k: Array.from({ length: 20000 }, (_, i) => i % 5000), v: Array.from({ length: 20000 }, () => 1) }, { numPartitions: 4 });
    const sums = df.groupBy('k').agg(sum('v').as('s'));

    assert.equal(await sums.count(), 5000);
    assert.equal(files(), 0, 'the aggregation shuffle is freed with the count');
    assert.equal((await sums.filter(col('s').eq(4)).collect()).length, 5000);
    assert.equal(files(), 0);

    const cached = sums.cache();
    assert.equal(await cached.count(), 5000);
    const held = files();
    assert.ok(held > 0, `the shuffle under the cached stage is kept (${held} files)`);
    assert.equal(await cached.filter(col('s').eq(4)).count(), 5000);
    assert.equal(files(), held, 'a query over the cache plans no shuffle of its own and frees nothing of the cache');

    cached.unpersist();
    assert.equal(files(), 0, 'unpersist frees the cached partitions and the shuffle under them');
    assert.equal(await cached.count(), 5000, 'the frame computes again (and caches again)');
    assert.equal(files(), held);
    cached.unpersist();
    assert.equal(files(), 0);
  } finally {
    await s.stop();
  }
});
