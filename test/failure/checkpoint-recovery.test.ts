/**
 * After checkpoint(), a worker killed with kill -9 in the middle of a job recomputes only
 * from the checkpoint: no task of a stage before it is launched again (counted from the event
 * log), and the answer is right. For Datasets and DataFrames.
 */
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { col, sum, type SluiceEvent } from '../../src/index.js';
import { killOnce, killOnceEnv, sessionWithEvents } from './session-with-events.js';
import { within } from './within.js';

describe('processes[2]: a worker killed after a checkpoint', () => {
  const { session, events, tmp } = sessionWithEvents({ master: 'processes[2]' });

  test('recomputes from the checkpoint files, never the stages before them', async () => {
    const s = session();
    const nums = Array.from({ length: 600 }, (_, i) => i);
    const before = s.parallelize(nums, 6).map((x) => [x % 11, x] as [number, number]).reduceByKey((a, b) => a + b, undefined, 6);
    const c = await before.checkpoint();
    const from = events.length;
    const out = await within(
      120_000,
      c
        .map(([k, v]) => [k % 4, v] as [number, number])
        .reduceByKey((a, b) => a + b, undefined, 4)
        .map(killOnce, killOnceEnv(tmp))
        .collect(),
      'the job after the checkpoint',
    );
    const want = new Map<number, number>();
    for (const x of nums) want.set((x % 11) % 4, (want.get((x % 11) % 4) ?? 0) + x);
    assert.deepEqual(out.sort((a, b) => a[0] - b[0]), [...want].sort((a, b) => a[0] - b[0]));
    const log = events.slice(from);
    const names = new Map<string, string>();
    for (const e of log) if (e.type === 'jobStart') for (const st of e.stages) names.set(`${e.jobId}:${st.stageId}`, st.name);
    const launches = log.filter((e): e is Extract<SluiceEvent, { type: 'taskStart' }> => e.type === 'taskStart');
    const stageOf = (e: { jobId: number; stageId: number }) => names.get(`${e.jobId}:${e.stageId}`) ?? '?';
    assert.ok(launches.some((e) => e.attempt > 0), "the killed worker's task ran again");
    // Only the two stages after the checkpoint ever ran (recovery included): none before it.
    assert.deepEqual([...new Set(launches.map(stageOf))].sort(), ['(shuffle read) → reduceByKey → map', 'checkpoint → map → (shuffle write)']);
  });

  test('a DataFrame: recomputes from the checkpoint scan, never the stages before it', async () => {
    const s = session();
    const rows = Array.from({ length: 600 }, (_, i) => ({ k: i % 13, v: i }));
    const c = await s.createDataFrame(rows).repartition(4).groupBy('k').agg(sum('v').as('sv')).checkpoint();
    // A marker of its own: the Dataset test's worker was killed already.
    const dfTmp = join(tmp, 'df');
    mkdirSync(dfTmp);
    const from = events.length;
    const out = await within(
      120_000,
      c.groupBy(col('k').mod(3).as('g')).agg(sum('sv').as('t')).toDataset().map(killOnce, killOnceEnv(dfTmp)).collect(),
      'the DataFrame job after the checkpoint',
    );
    const want = new Map<number, number>();
    for (const r of rows) want.set((r.k % 3), (want.get(r.k % 3) ?? 0) + r.v);
    assert.deepEqual(out.map((r) => [Number(r.g), Number(r.t)]).sort((a, b) => a[0]! - b[0]!), [...want].sort((a, b) => a[0] - b[0]));
    const log = events.slice(from);
    const names = new Map<string, string>();
    for (const e of log) if (e.type === 'jobStart') for (const st of e.stages) names.set(`${e.jobId}:${st.stageId}`, st.name);
    const launches = log.filter((e): e is Extract<SluiceEvent, { type: 'taskStart' }> => e.type === 'taskStart');
    assert.ok(launches.some((e) => e.attempt > 0), "the killed worker's task ran again");
    for (const e of launches) {
      const name = names.get(`${e.jobId}:${e.stageId}`) ?? '?';
      assert.match(name, /scan arrow|^\(shuffle read\) → hashAggregate\[final\]/, 'only the checkpoint scan and what follows it ran');
      assert.doesNotMatch(name, /memory/);
    }
  });
});
