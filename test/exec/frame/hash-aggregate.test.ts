import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { test } from 'node:test';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import { hashAggregate } from '../../../src/exec/frame/hash-aggregate.js';
import { SluiceError } from '../../../src/util/errors.js';
import { aggOp, batchOf, byKey, call, finalOp, makeCtx, rowsOf, runSingle, runTwoPhase, schemaOf } from './agg-fixtures.js';

const schema = schemaOf({ k: 'string', n: 'int32', v: 'float64' });

test('groups by a string key with nulls as their own group', () => {
  const rows = [['a', 1, 1.5], ['b', 2, null], [null, 3, 4], ['a', 4, 2.5], [null, null, 1]];
  const op = aggOp('single', schema, ['k'], [call(schema, 'count_star', []), call(schema, 'count', ['v']), call(schema, 'sum', ['v']), call(schema, 'sum', ['n']), call(schema, 'avg', ['v'])]);
  const out = runSingle(op, [batchOf(schema, rows.slice(0, 2)), batchOf(schema, rows.slice(2))]);
  assert.deepEqual(out, [
    ['a', 2, 2, 4, 5, 2],
    ['b', 1, 0, null, 2, null],
    [null, 2, 2, 5, 3, 2.5],
  ]);
  assert.deepEqual(op.schema.fields.map((f) => f.type), ['string', 'int64', 'int64', 'float64', 'int64', 'float64']);
});

test('a global aggregate outputs one row for empty input, in single, partial and final mode', () => {
  const aggs = [call(schema, 'count_star', []), call(schema, 'sum', ['v']), call(schema, 'max', ['k']), call(schema, 'var_samp', ['v'])];
  const single = aggOp('single', schema, [], aggs);
  const partial = aggOp('partial', schema, [], aggs);
  assert.deepEqual(runSingle(single, []), [[0, null, null, null]]);
  assert.deepEqual(rowsOf(hashAggregate(partial, [], makeCtx())), [[0, null, null, 0, null, null]]);
  assert.deepEqual(rowsOf(hashAggregate(finalOp(partial, single), [], makeCtx())), [[0, null, null, null]]);
  assert.deepEqual(runTwoPhase(partial, single, [[], []]), [[0, null, null, null]]);
});

test('grouped aggregation of empty input outputs no rows', () => {
  assert.deepEqual(runSingle(aggOp('single', schema, ['k'], [call(schema, 'count_star', [])]), [batchOf(schema, [])]), []);
});

test('group-by expressions are evaluated with ctx.compile', () => {
  const op = aggOp('single', schema, ['n'], [call(schema, 'count_star', [])]);
  op.groupBy = [{ kind: 'binary', op: '%', left: op.groupBy[0]!, right: { kind: 'literal', value: 2, type: 'int32' } }];
  const rows = [1, 2, 3, 4, 5].map((n) => ['x', n, 0]);
  assert.deepEqual(runSingle(op, [batchOf(schema, rows)]), [[1, 3], [0, 2]]);
});

test('bad parameters and non-numeric arguments raise SluiceError naming the aggregate', () => {
  const pct = aggOp('single', schema, [], [call(schema, 'percentile', ['v'], { params: [1.5], name: 'p15' })]);
  assert.throws(() => runSingle(pct, [batchOf(schema, [['a', 1, 1]])]), (e: Error) => e instanceof SluiceError && /p15.*between 0 and 1/.test(e.message));
  const topk = aggOp('single', schema, [], [call(schema, 'top_k', ['v'], { params: [0], name: 'tk' })]);
  assert.throws(() => runSingle(topk, [batchOf(schema, [['a', 1, 1]])]), (e: Error) => e instanceof SluiceError && /tk.*positive integer/.test(e.message));
  const avg = aggOp('single', schema, [], [call(schema, 'avg', ['v'], { name: 'avg_k' })]);
  avg.aggs[0]!.args = [{ kind: 'column', name: 'k', index: 0 }];
  assert.throws(() => runSingle(avg, [batchOf(schema, [['a', 1, 1]])]), (e: Error) => e instanceof SluiceError && /avg_k.*numeric/.test(e.message));
});

test('output comes in batches of at most 65536 rows', () => {
  const s = schemaOf({ g: 'int32' });
  const n = 70000;
  const batch: ColumnBatch = { schema: s, columns: [{ type: 'int32', length: n, values: Int32Array.from({ length: n }, (_, i) => i), validity: null, nullCount: 0 }], numRows: n };
  const out = [...hashAggregate(aggOp('single', s, ['g'], [call(s, 'count_star', [])]), [batch], makeCtx())];
  assert.deepEqual(out.map((b) => b.numRows), [65536, n - 65536]);
});

/** `groups` groups over 1.2 times as many rows in four batches (int64 keys, float values with nulls). */
function manyGroups(groups: number): ColumnBatch[] {
  const s = schemaOf({ g: 'int64', v: 'float64', k: 'string' });
  const batches: ColumnBatch[] = [];
  const per = (groups * 1.2) / 4;
  for (let start = 0; start < groups * 1.2; start += per) {
    const rows: unknown[][] = [];
    for (let i = start; i < start + per; i++) rows.push([(i * 7919) % groups, i % 13 === 0 ? null : (i % 1000) / 10, `s${i % 7}`]);
    batches.push(batchOf(s, rows));
  }
  return batches;
}

/** Rows sorted by their first column (a unique key), for comparing results regardless of order. */
function sorted(rows: unknown[][]): unknown[][] {
  return rows.sort((a, b) => ((a[0] as number) < (b[0] as number) ? -1 : 1));
}

test('a tiny budget spills and gives the same result as an unlimited one', () => {
  const batches = manyGroups(100000);
  const s = batches[0]!.schema;
  const op = aggOp('single', s, ['g'], [call(s, 'count_star', []), call(s, 'sum', ['v']), call(s, 'min', ['v']), call(s, 'var_pop', ['v']), call(s, 'max', ['k'])]);
  const free = makeCtx();
  const expected = sorted(runSingle(op, batches, free));
  assert.equal(free.metrics.spills, 0);
  assert.equal(expected.length, 100000);
  const tight = makeCtx(64 * 1024);
  const got = sorted(runSingle(op, batches, tight));
  assert.ok(tight.metrics.spills > 0 && tight.metrics.spilledBytes > 0, 'spilled');
  assert.deepEqual(got, expected);
  assert.equal(tight.budget.used(), 0, 'reservation released');
  assert.deepEqual(readdirSync(tight.spillDir), [], 'spill files deleted');
});

test('a final aggregate told its input rows sizes its table when the budget allows, and agrees either way', () => {
  // Three keys, 70 000 groups, each in two partitions: the final aggregate merges 140 000 state rows.
  const s = schemaOf({ a: 'int32', b: 'string', c: 'int32', v: 'float64' });
  const part = (off: number) => [batchOf(s, Array.from({ length: 70000 }, (_, i) => [i % 7, `s${i % 11}`, i, i + off]))];
  const aggs = [call(s, 'sum', ['v']), call(s, 'count_star', [])];
  const single = aggOp('single', s, ['a', 'b', 'c'], aggs);
  const partial = aggOp('partial', s, ['a', 'b', 'c'], aggs);
  const expected = byKey(runTwoPhase(partial, single, [part(0), part(0.5)]), 3);
  assert.equal(expected.size, 70000);
  assert.deepEqual(expected.get('[4,"s3",12345]'), [24690.5, 2]);
  const roomy = makeCtx();
  assert.deepEqual(byKey(runTwoPhase(partial, single, [part(0), part(0.5)], roomy, true), 3), expected);
  const tight = makeCtx(4 << 20); // too small for the table sized for 140 000 groups: it grows (and spills) as usual
  assert.deepEqual(byKey(runTwoPhase(partial, single, [part(0), part(0.5)], tight, true), 3), expected);
  assert.ok(tight.metrics.spills > 0);
});

test('top_k of numbers ranks NaN above every number and leaves short groups short', () => {
  const s = schemaOf({ k: 'int32', v: 'float64' });
  const rows = [[1, 3], [1, NaN], [1, 7], [1, null], [1, 5], [2, 4], [2, null], [3, null], [1, -1]];
  const op = aggOp('single', s, ['k'], [call(s, 'top_k', ['v'], { params: [3] })]);
  const got = byKey(runSingle(op, [batchOf(s, rows)]), 1);
  assert.deepEqual(got.get('[1]'), [[NaN, 7, 5]]);
  assert.deepEqual(got.get('[2]'), [[4]]);
  assert.deepEqual(got.get('[3]'), [null]);
});

test('holistic and order-sensitive aggregates survive spills (string keys)', () => {
  const s = schemaOf({ k: 'string', v: 'int32' });
  const rows: unknown[][] = [];
  for (let i = 0; i < 4000; i++) rows.push([`key-${(i * 31) % 1000}`, i % 17 === 0 ? null : i % 101]);
  const batches = [batchOf(s, rows.slice(0, 1500)), batchOf(s, rows.slice(1500))];
  const aggs = [
    call(s, 'median', ['v']),
    call(s, 'collect_list', ['v']),
    call(s, 'first', ['v']),
    call(s, 'last', ['v']),
    call(s, 'count_distinct', ['v']),
    call(s, 'approx_count_distinct', ['v']),
    call(s, 'approx_percentile', ['v'], { params: [0.9] }),
    call(s, 'top_k', ['v'], { params: [2] }),
    call(s, 'sum', ['v'], { distinct: true }),
  ];
  const op = aggOp('single', s, ['k'], aggs);
  const expected = byKey(runSingle(op, batches), 1);
  const tight = makeCtx(32 * 1024);
  const got = byKey(runSingle(op, batches, tight), 1);
  assert.ok(tight.metrics.spills > 0);
  assert.deepEqual(got, expected);
});

test('partial and final mode spill too, and agree with single mode', () => {
  const batches = manyGroups(10000);
  const s = batches[0]!.schema;
  const aggs = [call(s, 'count', ['v']), call(s, 'avg', ['v']), call(s, 'stddev_samp', ['v']), call(s, 'first', ['k'])];
  const single = aggOp('single', s, ['g'], aggs);
  const partial = aggOp('partial', s, ['g'], aggs);
  const expected = byKey(runSingle(single, batches), 1);
  const tight = makeCtx(64 * 1024);
  const got = byKey(runTwoPhase(partial, single, [batches.slice(0, 2), batches.slice(2)], tight), 1);
  assert.ok(tight.metrics.spills > 1);
  assert.equal(got.size, expected.size);
  for (const [k, v] of expected) {
    const g = got.get(k)!;
    assert.equal(g[0], v[0]);
    assert.ok(Math.abs((g[1] as number) - (v[1] as number)) < 1e-9 && (g[2] === v[2] || Math.abs((g[2] as number) - (v[2] as number)) < 1e-9), k);
    assert.equal(g[3], v[3]);
  }
});

test('final mode reads keys from the leading columns of state rows', () => {
  const s = schemaOf({ k: 'string', v: 'float64' });
  const aggs = [call(s, 'sum', ['v']), call(s, 'avg', ['v'])];
  const partial = aggOp('partial', s, ['k'], aggs);
  const state: ColumnBatch = {
    schema: partial.schema,
    columns: [vectorFromValues('string', ['x', 'y', 'x']), vectorFromValues('float64', [1, 2, 3]), vectorFromValues('float64', [1, 2, 3]), vectorFromValues('int64', [1, 1, 2])],
    numRows: 3,
  };
  const out = rowsOf(hashAggregate(finalOp(partial, aggOp('single', s, ['k'], aggs)), [state], makeCtx()));
  assert.deepEqual(out, [['x', 4, 4 / 3], ['y', 2, 2]]);
});
