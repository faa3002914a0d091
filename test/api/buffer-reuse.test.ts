import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Session, col, sum, count } from '../../src/index.js';
import { blockBufferStats } from '../../src/exec/block-store.js';

/** Rows whose every value depends on `round`, so a block read over another round's bytes shows. */
function table(round: number, n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({ k: `key-${(i * 7 + round) % 50}`, v: i * 10 + round, tag: `r${round}-${i % 13}` }));
}

for (const master of ['inline', 'local[2]']) {
  describe(`freed block buffers reused on ${master}`, () => {
    let s: Session;
    before(async () => {
      s = await Session.local({ master });
      s.setShufflePartitions(4);
    });
    after(() => s.stop());

    test('caches and shuffles of one round after another read back their own data', async () => {
      let previous: ReturnType<Session['createDataFrame']> | undefined;
      for (let round = 0; round < 6; round++) {
        // Big enough that each map task's shuffle block is worth reusing (MIN_REUSE_BYTES).
        const rows = table(round, 20000 + round * 100);
        const df = s.createDataFrame(rows, { numPartitions: 4 });
        const agg = df.groupBy('k').agg(sum('v').as('total'), count('tag').as('n')).cache();
        assert.equal(await agg.count(), 50);
        previous?.unpersist(); // freed while nothing runs: its buffers go to the next round's blocks
        previous = agg;
        const got = new Map((await agg.collect()).map((r) => [r.k as string, [Number(r.total), Number(r.n)]]));
        const want = new Map<string, number[]>();
        for (const r of rows) {
          const w = want.get(r.k as string) ?? [0, 0];
          w[0]! += r.v as number;
          w[1]! += 1;
          want.set(r.k as string, w);
        }
        assert.deepEqual(got, want, `round ${round}`);
        const tags = await df.filter(col('v').gt(round)).select('tag').distinct().count();
        assert.equal(tags, 13, `round ${round}`);
        assert.equal(await df.repartition(4, col('k')).filter(col('v').ge(0)).count(), rows.length, `round ${round}`);
      }
      previous?.unpersist();
      // Inline, blocks are written on this thread: some went into buffers of earlier rounds.
      if (master === 'inline') assert.ok(blockBufferStats.reused > 0, JSON.stringify(blockBufferStats));
    });
  });
}
