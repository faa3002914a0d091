/**
 * DataFrame operators past the memory budget: on local[2] with 2 MB per worker,
 * a group-by with more groups than fit, a join whose build side does not fit
 * and a global sort larger than memory complete with the right answer, and
 * each job really spills (spilledBytes > 0 in its tasks' metrics).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Session, col, sum, count, type SluiceEvent } from '../../src/index.js';

const N = 120_000;

describe('DataFrame spill: state larger than a 2 MB budget (local[2])', () => {
  let s: Session;
  let spilled = 0;
  before(async () => {
    s = await Session.local({ master: 'local[2]', memory: '2m' });
    s.setShufflePartitions(2);
    s.on((e: SluiceEvent) => {
      if (e.type === 'taskEnd' && e.ok && e.metrics) spilled += e.metrics.spilledBytes;
    });
  });
  after(() => s.stop());

  const table = () => {
    const k = Int32Array.from({ length: N }, (_, i) => (i * 7919) % 60_000);
    const v = Float64Array.from({ length: N }, (_, i) => i % 97);
    const label = Array.from({ length: N }, (_, i) => `row-${(i * 31) % N}`);
    return s.createDataFrame({ k, v, label }, { schema: { k: 'int32', v: 'float64', label: 'string' }, numPartitions: 4 });
  };

  test('group-by with 60k groups', async () => {
    spilled = 0;
    const rows = await table().groupBy('k').agg(sum('v').as('s'), count('*').as('n')).collect();
    assert.equal(rows.length, 60_000);
    const ref = new Map<number, number>();
    for (let i = 0; i < N; i++) ref.set((i * 7919) % 60_000, (ref.get((i * 7919) % 60_000) ?? 0) + (i % 97));
    for (const r of rows) assert.equal(r.s, ref.get(r.k as number));
    assert.ok(spilled > 0, 'the aggregation spilled');
  });

  test('join whose build side does not fit', async () => {
    spilled = 0;
    const right = table().select(col('k').as('rk'), col('label').as('rl')).dropDuplicates(['rk']);
    const n = await table().join(right, col('k').eq(col('rk')), 'inner').count();
    assert.equal(n, N);
    assert.ok(spilled > 0, 'the join spilled');
  });

  test('global sort larger than memory', async () => {
    spilled = 0;
    const rows = await table().orderBy(col('label').desc(), col('k')).select('label').collect();
    assert.equal(rows.length, N);
    for (let i = 1; i < rows.length; i++) assert.ok((rows[i - 1]!.label as string) >= (rows[i]!.label as string), `row ${i} out of order`);
    assert.ok(spilled > 0, 'the sort spilled');
  });
});
