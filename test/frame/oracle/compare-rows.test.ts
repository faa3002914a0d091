/** compareRows: tolerance, normalisation, multiset vs ordered comparison, readable diffs. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { assertRowsEqual, compareRows } from './compare-rows.js';

test('floats within relative 1e-9 or absolute 1e-6 are equal; beyond are not', () => {
  assert.ok(compareRows([{ a: 1e12 + 100 }], [{ a: 1e12 }], { ordered: true }).ok);
  assert.ok(compareRows([{ a: 0.1 + 0.2 }], [{ a: 0.3 }], { ordered: true }).ok);
  assert.ok(!compareRows([{ a: 1.00001 }], [{ a: 1 }], { ordered: true }).ok);
  assert.ok(!compareRows([{ a: 1 }], [{ a: 2 }], { ordered: true }).ok);
});

test('bigint, Date, -0 and NaN are normalised; null differs from 0 and from NaN unless nanIsNull', () => {
  assert.ok(compareRows([{ n: 3, d: new Date(Date.UTC(2024, 0, 2)), z: 0 }], [{ n: 3n, d: new Date('2024-01-02T00:00:00Z'), z: -0 }], { ordered: true }).ok);
  assert.ok(compareRows([{ a: NaN }], [{ a: NaN }], { ordered: true }).ok);
  assert.ok(!compareRows([{ a: null }], [{ a: 0 }], { ordered: true }).ok);
  assert.ok(!compareRows([{ a: null }], [{ a: NaN }], { ordered: true }).ok);
  assert.ok(compareRows([{ a: null }], [{ a: NaN }], { ordered: true, nanIsNull: true }).ok);
});

test('unordered compares multisets; ordered checks positions; lists optionally as multisets', () => {
  const a = [{ k: 'b', v: 2 }, { k: 'a', v: 1 }, { k: 'a', v: 1 }];
  const e = [{ k: 'a', v: 1 }, { k: 'b', v: 2 }, { k: 'a', v: 1 }];
  assert.ok(compareRows(a, e, { ordered: false }).ok);
  assert.ok(!compareRows(a, e, { ordered: true }).ok);
  assert.ok(!compareRows(a.slice(1), e, { ordered: false }).ok);
  assert.ok(!compareRows([{ l: [2, 1] }], [{ l: [1, 2] }], { ordered: true }).ok);
  assert.ok(compareRows([{ l: [2, 1n] }], [{ l: [1, 2] }], { ordered: true, unorderedLists: true }).ok);
});

test('the diff names missing and unexpected rows, column mismatches, and throws via assertRowsEqual', () => {
  const r = compareRows([{ k: 'a', v: 1 }, { k: 'c', v: 3 }], [{ k: 'a', v: 1 }, { k: 'b', v: 2 }], { ordered: false });
  assert.equal(r.ok, false);
  assert.match(r.diff, /2 mismatch\(es\); actual 2 rows, expected 2 rows/);
  assert.match(r.diff, /missing +\{ k: "b", v: 2 \}/);
  assert.match(r.diff, /unexpected \{ k: "c", v: 3 \}/);
  assert.match(compareRows([{ a: 1 }], [{ b: 1 }], { ordered: true }).diff, /columns differ/);
  assert.throws(() => assertRowsEqual([{ a: 1 }], [{ a: 2 }], { ordered: true }, 'Q'), /Q\n1 mismatch[\s\S]*row 0:[\s\S]*actual +\{ a: 1 \}[\s\S]*expected \{ a: 2 \}/);
});
