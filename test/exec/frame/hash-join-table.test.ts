import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { IndexBuffer, JoinHashTable } from '../../../src/exec/frame/hash-join-table.js';
import { keyRows, StringInterner, type KeyRows } from '../../../src/exec/frame/hash-join-keys.js';
import type { ColumnVector } from '../../../src/frame/batch/vector.js';

const SEED = 11;
const f64 = (xs: readonly (number | null)[]): ColumnVector => {
  const validity = new Uint8Array((xs.length + 7) >> 3);
  xs.forEach((x, i) => x !== null && (validity[i >> 3]! |= 1 << (i & 7)));
  const nulls = xs.filter((x) => x === null).length;
  return { type: 'float64', length: xs.length, values: Float64Array.from(xs, (x) => x ?? 0), validity: nulls ? validity : null, nullCount: nulls };
};
const rows = (cols: (number | null)[][], interner = new StringInterner(), insert = true): KeyRows => keyRows(cols.map(f64), cols[0]?.length ?? 0, SEED, interner, insert);

function matchesOf(table: JoinHashTable, probe: KeyRows, p: number): number[] {
  const out = new IndexBuffer();
  const n = table.matches(probe, p, out);
  assert.equal(n, out.length);
  return [...out.take()];
}

test('every build row with an equal key matches, in arrival order; null keys never match; NaN matches NaN', () => {
  const table = new JoinHashTable(rows([[5, 7, 5, null, NaN, 5, 7]]));
  const probe = rows([[5, 7, 9, null, NaN]]);
  assert.deepEqual(matchesOf(table, probe, 0), [0, 2, 5]);
  assert.deepEqual(matchesOf(table, probe, 1), [1, 6]);
  assert.deepEqual(matchesOf(table, probe, 2), []);
  assert.deepEqual(matchesOf(table, probe, 3), []);
  assert.deepEqual(matchesOf(table, probe, 4), [4]);
  assert.deepEqual([0, 1, 2, 3, 4].map((p) => table.hasMatch(probe, p)), [true, true, false, false, true]);
});

test('keys of several columns match only when every column is equal', () => {
  const table = new JoinHashTable(rows([[1, 1, 1, 2], [10, 20, 10, 10]]));
  const probe = rows([[1, 1, 2, 2], [10, 20, 20, 10]]);
  assert.deepEqual([0, 1, 2, 3].map((p) => matchesOf(table, probe, p)), [[0, 2], [1], [], [3]]);
});

test('a join without keys (a cross join) matches every build row', () => {
  const build: KeyRows = { length: 3, hash: new Int32Array(3), values: [], nullKey: null };
  const probe: KeyRows = { length: 1, hash: new Int32Array(1), values: [], nullKey: null };
  assert.deepEqual(matchesOf(new JoinHashTable(build), probe, 0), [0, 1, 2]);
});

test('matches agree with a nested loop on random keys with many repeats', () => {
  const key = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constant(null), fc.constant(NaN));
  fc.assert(
    fc.property(fc.array(fc.tuple(key, fc.integer({ min: 0, max: 2 })), { maxLength: 300 }), fc.array(fc.tuple(key, fc.integer({ min: 0, max: 2 })), { maxLength: 50 }), (b, p) => {
      const interner = new StringInterner();
      const table = new JoinHashTable(rows([b.map((r) => r[0]), b.map((r) => r[1])], interner));
      const probe = rows([p.map((r) => r[0]), p.map((r) => r[1])], interner, false);
      const same = (x: number | null, y: number | null) => x !== null && y !== null && (x === y || (Number.isNaN(x) && Number.isNaN(y)));
      p.forEach(([k0, k1], i) => {
        const expected = b.flatMap(([b0, b1], r) => (same(k0, b0) && k1 === b1 ? [r] : []));
        assert.deepEqual(matchesOf(table, probe, i), expected);
        assert.equal(table.hasMatch(probe, i), expected.length > 0);
      });
    }),
  );
});
