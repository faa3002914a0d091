import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { LogicalPlan } from '../../../src/frame/logical/plan.js';
import { estimateBytes, estimateRows } from '../../../src/frame/logical/stats.js';
import { agg, aggregate, col, eq, filter, gt, join, limit, lit, project, scan } from '../optimizer/plans.js';

test('memory scans: rows from the source, bytes from its IPC buffers', () => {
  const base = scan('t', ['a:int32', 'b:int32', 'c:int32', 'd:int32'], 1000) as Extract<LogicalPlan, { kind: 'scan' }>;
  const t: LogicalPlan = { ...base, source: { ...base.source, partitions: [[new Uint8Array(3000), new Uint8Array(1000)]] } as typeof base.source };
  assert.equal(estimateRows(t), 1000);
  assert.equal(estimateBytes(t), 4000);
  assert.equal(estimateBytes({ ...(t as typeof base), projection: ['a'] }), 1000);
});

test('file scans use options.sizeBytes; unknown stays unknown', () => {
  const files = (options: Record<string, unknown>): LogicalPlan => ({
    kind: 'scan',
    source: { kind: 'files', format: 'parquet', paths: ['x.parquet'], options, name: 'x' },
    schema: { fields: [{ name: 'a', type: 'int32', nullable: false }, { name: 'b', type: 'int32', nullable: false }] },
    filters: [],
  });
  assert.equal(estimateBytes(files({ sizeBytes: 800 })), 800);
  assert.equal(estimateBytes(project(files({ sizeBytes: 800 }), col('a'))), 400);
  assert.equal(estimateBytes(files({})), undefined);
  assert.equal(estimateBytes(join(files({}), scan('t', ['a:int32']), 'inner', eq(col('a', 'x'), col('a', 't')))), undefined);
});

test('filters halve, projections scale by columns, aggregates and limits bound rows', () => {
  const t = scan('t', ['a:int32', 'b:int32'], 1000); // 8 bytes per value assumed without buffers
  assert.equal(estimateBytes(t), 16000);
  assert.equal(estimateRows(filter(t, gt(col('a'), lit(1)))), 500);
  assert.equal(estimateBytes(filter(t, gt(col('a'), lit(1)))), 8000);
  assert.equal(estimateBytes(project(t, col('a'))), 8000);
  assert.equal(estimateRows(aggregate(t, [], [agg('sum', col('a'))])), 1);
  assert.equal(estimateRows(aggregate(t, [col('a')], [agg('sum', col('b'))])), 1000);
  assert.equal(estimateRows(limit(t, 10, 995)), 5);
  assert.equal(estimateBytes(limit(t, 10)), 160);
});

test('joins: equi-join about the larger side, cross join the product, semi join the left side', () => {
  const l = scan('l', ['k:int32'], 100);
  const r = scan('r', ['k:int32', 'v:int32'], 10);
  const on = eq(col('k', 'l'), col('k', 'r'));
  assert.equal(estimateRows(join(l, r, 'inner', on)), 100);
  assert.equal(estimateBytes(join(l, r, 'inner', on)), 100 * (8 + 16));
  assert.equal(estimateRows(join(l, r, 'cross', null)), 1000);
  assert.equal(estimateRows(join(l, r, 'semi', on)), 100);
  assert.equal(estimateBytes(join(l, r, 'anti', on)), 800);
});
