/**
 * Worker threads drop a stage's pipeline (which may hold a job's parallelize
 * or createDataFrame data in shared memory) once the stage is done, instead of
 * keeping the last few: after many finished jobs, a probe task finds only its
 * own stage's pipeline on its thread. Counted on local[2] (inline keeps none).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { col, importModule, Session, sum } from '../../src/index.js';
import { within } from './within.js';

const PIPELINES = fileURLToPath(new URL('../../src/backend/stage-pipelines.js', import.meta.url));

test('local[2]: finished stages leave no pipeline (nor the data it holds) on the worker threads', async () => {
  const s = await Session.local({ master: 'local[2]' });
  try {
    for (let i = 0; i < 12; i++) {
      const data = Array.from({ length: 1000 }, (_, k) => k + i);
      // parallelize data in shared memory, a shuffle (two stages), and a DataFrame over shared IPC.
      assert.equal(await within(30_000, s.parallelize(data, 4).map((x) => x * 2).count(), 'parallelize job'), 1000);
      const sums = await within(30_000, s.parallelize(data, 4).map((x) => [x % 3, x] as [number, number]).reduceByKey((a, b) => a + b).count(), 'shuffle job');
      assert.equal(sums, 3);
      const df = s.createDataFrame(data.map((x) => ({ x })), { numPartitions: 4 });
      const [row] = await within(30_000, df.agg(sum(col('x')).as('t')).collect(), 'DataFrame job');
      assert.equal(Number(row!.t), data.reduce((a, b) => a + b, 0));
    }
    // A failed job's stages are dropped too.
    await assert.rejects(
      s.parallelize([1, 2, 3, 4], 4).map((x) => {
        throw new Error(`no ${x}`);
      }).collect(),
    );
    // Every probe task sees one pipeline on its thread: its own stage's.
    const env = { p: importModule<typeof import('../../src/backend/stage-pipelines.js')>(PIPELINES) };
    const held = await within(30_000, s.range(0, 16, 1, 16).map((_, e) => e.p.pipelinesHeldHere, env).collect(), 'probe');
    assert.deepEqual(held, held.map(() => 1), `pipelines held per probe task: ${held.join(', ')}`);
  } finally {
    await s.stop();
  }
});
