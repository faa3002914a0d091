import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { minFrom, selectInPlace } from '../../../../src/exec/frame/aggregates/quickselect.js';

test('property: selectInPlace puts the k-th smallest at k, smaller before and larger after', () => {
  const values = fc.array(fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double({ noNaN: true })), { minLength: 1, maxLength: 300 });
  fc.assert(
    fc.property(values, fc.nat(), (xs, r) => {
      const k = r % xs.length;
      const a = Float64Array.from(xs);
      const sorted = Float64Array.from(xs).sort();
      assert.equal(selectInPlace(a, k), sorted[k]);
      for (let i = 0; i < k; i++) assert.ok(a[i]! <= a[k]!);
      for (let i = k + 1; i < a.length; i++) assert.ok(a[i]! >= a[k]!);
      if (k + 1 < a.length) assert.equal(minFrom(a, k + 1), sorted[k + 1]);
      assert.deepEqual(Float64Array.from(a).sort(), sorted);
    }),
    { numRuns: 500 },
  );
});

test('selectInPlace on sorted, reversed and constant inputs', () => {
  const n = 10_001;
  for (const make of [(i: number) => i, (i: number) => n - i, () => 7]) {
    const a = Float64Array.from({ length: n }, (_, i) => make(i));
    const want = Float64Array.from(a).sort()[5000];
    assert.equal(selectInPlace(a, 5000), want);
  }
});
