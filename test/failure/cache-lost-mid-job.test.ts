/**
 * A cached partition lost mid-job (its worker process killed with kill -9 while the job reads
 * the cache) is recomputed from lineage within that same job: the stage behind the cache runs
 * again for the lost outputs, and the answer is right. Before, the job failed after four
 * fetch failures, its stage graph having stopped at the cache.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import type { SluiceEvent } from '../../src/index.js';
import { killOnce, killOnceEnv, sessionWithEvents } from './session-with-events.js';
import { within } from './within.js';

describe('processes[2]: a cached partition lost mid-job', () => {
  const { session, events, tmp } = sessionWithEvents({ master: 'processes[2]' });

  test('is recomputed within the same job', async () => {
    const s = session();
    const nums = Array.from({ length: 600 }, (_, i) => i);
    const sums = s.parallelize(nums, 6).map((x) => [x % 11, x] as [number, number]).reduceByKey((a, b) => a + b, undefined, 6).cache();
    assert.equal(await sums.count(), 11);
    const from = events.length;
    const out = await within(
      120_000,
      sums
        .map(killOnce, killOnceEnv(tmp))
        .collect(),
      'the job that loses a cached partition',
    );
    const want = new Map<number, number>();
    for (const x of nums) want.set(x % 11, (want.get(x % 11) ?? 0) + x);
    assert.deepEqual(out.sort((a, b) => a[0] - b[0]), [...want].sort((a, b) => a[0] - b[0]));
    const log = events.slice(from);
    const jobs = new Set(log.filter((e) => e.type === 'jobStart').map((e) => e.jobId));
    assert.equal(jobs.size, 1, 'one job');
    const start = log.find((e): e is Extract<SluiceEvent, { type: 'jobStart' }> => e.type === 'jobStart')!;
    const behind = start.stages.find((st) => st.name.startsWith('parallelize'));
    assert.ok(behind?.skipped, `the stage behind the cache is listed as skipped at the start: ${JSON.stringify(start.stages)}`);
    assert.ok(log.some((e) => e.type === 'stageSubmitted' && e.stageId === behind.stageId), 'and ran in this job when the cache lost a partition');
    assert.ok(log.some((e) => e.type === 'taskStart' && e.attempt > 0), "the killed worker's task ran again");
  });
});
