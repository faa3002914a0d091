import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import type { AggCall } from '../../../src/frame/physical/ops.js';
import { aggOp, batchOf, byKey, call, runSingle, runTwoPhase, schemaOf } from './agg-fixtures.js';
import { diff, quantile, referenceAgg } from './agg-reference.js';

const schema = schemaOf({ k1: 'string', k2: 'int32', x: 'float64', i: 'int64', s: 'string', y: 'float64' });

const AGGS: AggCall[] = [
  call(schema, 'count_star', []),
  call(schema, 'count', ['x']),
  call(schema, 'sum', ['x']),
  call(schema, 'sum', ['i']),
  call(schema, 'min', ['x']),
  call(schema, 'max', ['s']),
  call(schema, 'min', ['s']),
  call(schema, 'max', ['i']),
  call(schema, 'avg', ['x']),
  call(schema, 'var_samp', ['x']),
  call(schema, 'var_pop', ['x']),
  call(schema, 'stddev_samp', ['y']),
  call(schema, 'stddev_pop', ['y']),
  call(schema, 'covar_samp', ['x', 'y']),
  call(schema, 'covar_pop', ['x', 'y']),
  call(schema, 'corr', ['x', 'y']),
  call(schema, 'median', ['x']),
  call(schema, 'percentile', ['y'], { params: [0.3] }),
  call(schema, 'approx_percentile', ['x'], { params: [0.5] }),
  call(schema, 'count_distinct', ['s']),
  call(schema, 'approx_count_distinct', ['s']),
  call(schema, 'approx_count_distinct', ['i']),
  call(schema, 'first', ['x']),
  call(schema, 'last', ['s']),
  call(schema, 'collect_list', ['i']),
  call(schema, 'top_k', ['x'], { params: [3] }),
  call(schema, 'top_k', ['s'], { params: [2] }),
  call(schema, 'top_k', ['i'], { params: [2] }),
  call(schema, 'count', ['i'], { distinct: true }),
  call(schema, 'sum', ['i'], { distinct: true }),
  call(schema, 'avg', ['x'], { distinct: true }),
];

const maybe = <T>(a: fc.Arbitrary<T>) => fc.option(a, { freq: 5, nil: null });
const row = fc.tuple(
  maybe(fc.constantFrom('a', 'b', 'c', 'dd')),
  maybe(fc.integer({ min: -2, max: 3 })),
  maybe(fc.integer({ min: -50, max: 50 })),
  maybe(fc.integer({ min: -1000, max: 1000 })),
  maybe(fc.constantFrom('p', 'q', 'r', 's', 't', 'u')),
  maybe(fc.integer({ min: -80, max: 80 }).map((v) => v / 8)),
);

/** Checks one output row of aggregates against the naive reference over the group's input rows. */
function checkGroup(actual: unknown[], rows: unknown[][]): void {
  AGGS.forEach((a, j) => {
    const idx = a.args.map((e) => (e as { index: number }).index);
    const xs = rows.map((r) => (idx.length > 0 ? r[idx[0]!] : 1));
    const ys = idx.length > 1 ? rows.map((r) => r[idx[1]!]) : [];
    const expected = referenceAgg(a, xs, ys);
    const got = actual[j];
    if (a.fn === 'approx_percentile') {
      // t-digest: the result must sit within a few ranks of the exact quantile.
      const nums = (xs.filter((x) => x !== null) as number[]).sort((p, q) => p - q);
      if (nums.length === 0) return assert.equal(got, null);
      const lo = quantile(nums, Math.max(0, a.params[0]! - 0.05))!;
      const hi = quantile(nums, Math.min(1, a.params[0]! + 0.05))!;
      assert.ok((got as number) >= lo - 1e-9 && (got as number) <= hi + 1e-9, `${a.name}: ${String(got)} not in [${lo}, ${hi}]`);
      return;
    }
    const d = diff(got, expected);
    assert.equal(d, null, `${a.name}: ${d}`);
  });
}

function check(rows: unknown[][], groupBy: string[], actual: unknown[][]): void {
  const keyIdx = groupBy.map((g) => schema.fields.findIndex((f) => f.name === g));
  const groups = new Map<string, unknown[][]>();
  for (const r of rows) {
    const k = JSON.stringify(keyIdx.map((c) => r[c]));
    groups.set(k, [...(groups.get(k) ?? []), r]);
  }
  const got = byKey(actual, groupBy.length);
  if (groupBy.length === 0) assert.equal(actual.length, 1);
  else assert.deepEqual([...got.keys()].sort(), [...groups.keys()].sort());
  for (const [k, rs] of groups) checkGroup(got.get(k)!, rs);
}

/** Splits rows into `parts` contiguous partitions, each of batches of up to `batchRows` rows. */
function partition(rows: unknown[][], parts: number, batchRows: number) {
  const out = [];
  const per = Math.ceil(rows.length / parts) || 1;
  for (let p = 0; p < parts; p++) {
    const slice = rows.slice(p * per, (p + 1) * per);
    const batches = [];
    for (let s = 0; s < slice.length; s += batchRows) batches.push(batchOf(schema, slice.slice(s, s + batchRows)));
    out.push(batches);
  }
  return out;
}

const groupings = fc.constantFrom<string[]>([], ['k1'], ['k2'], ['k1', 'k2'], ['k2', 'k1', 's']);

test('every aggregate matches the naive reference in single mode', () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 120 }), groupings, fc.integer({ min: 1, max: 50 }), (rows, groupBy, batchRows) => {
      const op = aggOp('single', schema, groupBy, AGGS);
      check(rows, groupBy, runSingle(op, partition(rows, 1, batchRows)[0]!));
    }),
    { numRuns: 40 },
  );
});

test('partial then final over several partitions matches the naive reference', () => {
  fc.assert(
    fc.property(fc.array(row, { maxLength: 120 }), groupings, fc.integer({ min: 1, max: 5 }), fc.integer({ min: 1, max: 40 }), (rows, groupBy, parts, batchRows) => {
      const partial = aggOp('partial', schema, groupBy, AGGS);
      const single = aggOp('single', schema, groupBy, AGGS);
      check(rows, groupBy, runTwoPhase(partial, single, partition(rows, parts, batchRows)));
    }),
    { numRuns: 40 },
  );
});
