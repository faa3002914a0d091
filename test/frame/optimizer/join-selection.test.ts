import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../../src/frame/logical/analyzer.js';
import type { JoinType, LogicalPlan } from '../../../src/frame/logical/plan.js';
import { printPlan } from '../../../src/frame/logical/print.js';
import { outputSchema } from '../../../src/frame/logical/schema.js';
import { joinSelection } from '../../../src/frame/optimizer/join-selection.js';
import { col, eq, join, scan, text } from './plans.js';

// Without IPC buffers a memory scan is estimated at 8 bytes per value: big = 8 MB, small = 80 bytes.
const big = scan('big', ['k:int32'], 1_000_000);
const small = scan('small', ['k:int32', 'v:string'], 5);
const config = { broadcastThresholdBytes: 1_000_000 };
const select = (l: LogicalPlan, r: LogicalPlan, type: JoinType): LogicalPlan =>
  joinSelection.apply(analyze(join(l, r, type, eq(col('k', l === big ? 'big' : 'small'), col('k', r === big ? 'big' : 'small')))), config);
const firstLine = (p: LogicalPlan): string => printPlan(p).split('\n')[0]!;

test('a small build side is broadcast; a big one is shuffled', () => {
  assert.equal(firstLine(select(big, small, 'inner')), 'Join: type=inner on=big.k = small.k strategy=broadcast');
  assert.equal(firstLine(select(big, small, 'left')), 'Join: type=left on=big.k = small.k strategy=broadcast');
  assert.equal(firstLine(select(big, small, 'semi')), 'Join: type=semi on=big.k = small.k strategy=broadcast');
  assert.equal(firstLine(select(small, big, 'left')), 'Join: type=left on=small.k = big.k strategy=shuffle');
  const big2 = scan('big2', ['k:int32'], 1_000_000);
  const both = joinSelection.apply(analyze(join(big, big2, 'inner', eq(col('k', 'big'), col('k', 'big2')))), config);
  assert.equal(firstLine(both), 'Join: type=inner on=big.k = big2.k strategy=shuffle');
});

test('right joins build on the left; full joins always shuffle', () => {
  assert.equal(firstLine(select(small, big, 'right')), 'Join: type=right on=small.k = big.k strategy=broadcast');
  assert.equal(firstLine(select(big, small, 'right')), 'Join: type=right on=big.k = small.k strategy=shuffle');
  assert.equal(firstLine(select(big, small, 'full')), 'Join: type=full on=big.k = small.k strategy=shuffle');
});

test('an inner join with a small left side is swapped, column order restored', () => {
  const before = analyze(join(small, big, 'inner', eq(col('k', 'small'), col('k', 'big'))));
  const after = joinSelection.apply(before, config);
  assert.equal(
    printPlan(after),
    text(`
      Projection: small.k, v, big.k
        Join: type=inner on=small.k = big.k strategy=broadcast
          Scan: big rows=1000000
          Scan: small rows=5`),
  );
  assert.deepEqual(outputSchema(after), outputSchema(before));
  assert.equal(printPlan(joinSelection.apply(after, config)), printPlan(after));
});

test('unknown sizes are shuffled', () => {
  const files: LogicalPlan = {
    kind: 'scan',
    source: { kind: 'files', format: 'csv', paths: ['f.csv'], options: {}, name: 'f' },
    schema: { fields: [{ name: 'k', type: 'int32', nullable: true }] },
    filters: [],
  };
  const plan = joinSelection.apply(analyze(join(big, files, 'inner', eq(col('k', 'big'), col('k', 'f')))), config);
  assert.equal(firstLine(plan), 'Join: type=inner on=big.k = f.k strategy=shuffle');
  const sized = { ...files, source: { ...(files as Extract<LogicalPlan, { kind: 'scan' }>).source, options: { sizeBytes: 1000 } } } as LogicalPlan;
  const known = joinSelection.apply(analyze(join(big, sized, 'inner', eq(col('k', 'big'), col('k', 'f')))), config);
  assert.equal(firstLine(known), 'Join: type=inner on=big.k = f.k strategy=broadcast');
});
