import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareRows, sortIndices } from '../../../src/frame/batch/compare.js';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnVector } from '../../../src/frame/batch/vector.js';

const asc = { ascending: true, nullsFirst: false };
const desc = { ascending: false, nullsFirst: false };
const sorted = (v: ColumnVector, idx: Int32Array) => Array.from(idx, (i) => getValue(v, i));

test('numbers sort with NaN above every number and nulls where asked', () => {
  const v = vectorFromValues('float64', [3, NaN, null, -1, Infinity, 0, null]);
  assert.deepEqual(sorted(v, sortIndices([v], [asc], 7)), [-1, 0, 3, Infinity, NaN, null, null]);
  assert.deepEqual(sorted(v, sortIndices([v], [desc], 7)), [NaN, Infinity, 3, 0, -1, null, null]);
  assert.deepEqual(sorted(v, sortIndices([v], [{ ascending: false, nullsFirst: true }], 7)), [null, null, NaN, Infinity, 3, 0, -1]);
});

test('strings sort by content, not by dictionary code', () => {
  const v = vectorFromValues('string', ['pear', 'apple', null, 'fig', 'apple', 'Zed']);
  assert.deepEqual(sorted(v, sortIndices([v], [{ ascending: true, nullsFirst: true }], 6)), [null, 'Zed', 'apple', 'apple', 'fig', 'pear']);
});

test('sorting is stable and uses later keys to break ties', () => {
  const k = vectorFromValues('int32', [2, 1, 2, 1, 2]);
  const s = vectorFromValues('string', ['b', 'x', 'a', 'x', 'b']);
  assert.deepEqual(Array.from(sortIndices([k], [asc], 5)), [1, 3, 0, 2, 4]);
  assert.deepEqual(Array.from(sortIndices([k], [desc], 5)), [0, 2, 4, 1, 3]);
  assert.deepEqual(Array.from(sortIndices([k, s], [asc, asc], 5)), [1, 3, 2, 0, 4]);
  assert.deepEqual(Array.from(sortIndices([k, s], [asc, desc], 5)), [1, 3, 0, 4, 2]);
});

test('bools, dates and lists sort', () => {
  const b = vectorFromValues('bool', [true, false, null]);
  assert.deepEqual(sorted(b, sortIndices([b], [asc], 3)), [false, true, null]);
  const l = vectorFromValues({ list: 'int32' }, [[1, 2], [1], [0, 9], []]);
  assert.deepEqual(sorted(l, sortIndices([l], [asc], 4)), [[], [0, 9], [1], [1, 2]]);
});

test('compareRows compares rows of batches with different dictionaries and types', () => {
  const a = [vectorFromValues('string', ['m', 'b']), vectorFromValues('int32', [5, 1])];
  const b = [vectorFromValues('string', ['b', 'x', null]), vectorFromValues('float64', [5.5, 0, 1])];
  assert.ok(compareRows(a, 1, b, 0, [asc, asc]) < 0); // ('b',1) < ('b',5.5)
  assert.ok(compareRows(a, 0, b, 0, [asc, asc]) > 0); // 'm' > 'b'
  assert.ok(compareRows(a, 0, b, 0, [desc, asc]) < 0);
  assert.ok(compareRows(a, 0, b, 2, [asc, asc]) < 0); // nulls last
  assert.ok(compareRows(a, 0, b, 2, [{ ascending: true, nullsFirst: true }, asc]) > 0);
  assert.equal(compareRows(a, 1, a, 1, [asc, asc]), 0);
});

test('merging sorted runs with compareRows agrees with sorting their concatenation', () => {
  const xs = [5, null, 1, 9, 1, NaN, 3];
  const ys = [2, 8, null, 1, NaN];
  const vx = vectorFromValues('float64', xs);
  const vy = vectorFromValues('int64', ys.map((y) => (Number.isNaN(y) ? 7 : y)));
  const ix = sortIndices([vx], [asc], xs.length);
  const iy = sortIndices([vy], [asc], ys.length);
  const merged: unknown[] = [];
  let p = 0;
  let q = 0;
  while (p < ix.length || q < iy.length) {
    if (q >= iy.length || (p < ix.length && compareRows([vx], ix[p]!, [vy], iy[q]!, [asc]) <= 0)) merged.push(getValue(vx, ix[p++]!));
    else merged.push(getValue(vy, iy[q++]!));
  }
  assert.deepEqual(merged, [1, 1, 1, 2, 3, 5, 7, 8, 9, NaN, null, null]);
});

test('property: sortIndices agrees with a naive stable sort over random keys with nulls', async () => {
  const fc = (await import('fast-check')).default;
  const cell = <T>(a: import('fast-check').Arbitrary<T>) => fc.option(a, { nil: null, freq: 4 });
  const dir = fc.record({ ascending: fc.boolean(), nullsFirst: fc.boolean() }, { noNullPrototype: true });
  const naive = (x: unknown, y: unknown, d: { ascending: boolean; nullsFirst: boolean }) => {
    if (x === null || y === null) return x === y ? 0 : (x === null) === d.nullsFirst ? -1 : 1;
    const c = typeof x === 'string' ? (x < (y as string) ? -1 : x > (y as string) ? 1 : 0) : Number.isNaN(x) || Number.isNaN(y) ? Number(Number.isNaN(x)) - Number(Number.isNaN(y)) : Math.sign((x as number) - (y as number));
    return d.ascending ? c : -c;
  };
  fc.assert(
    fc.property(
      fc.array(fc.tuple(cell(fc.integer({ min: -5, max: 5 })), cell(fc.constantFrom('b', 'a', 'c', 'B')), cell(fc.constantFrom(1.5, -2, NaN, 0))), { maxLength: 60 }),
      fc.tuple(dir, dir, dir),
      fc.constantFrom([0], [1], [0, 1], [1, 0], [2, 0], [0, 1, 2]),
      (rows, dirs, keys) => {
        const cols = [vectorFromValues('int32', rows.map((r) => r[0])), vectorFromValues('string', rows.map((r) => r[1])), vectorFromValues('float64', rows.map((r) => r[2]))];
        const got = Array.from(sortIndices(keys.map((k) => cols[k]!), keys.map((k) => dirs[k]!), rows.length));
        const want = rows
          .map((_, i) => i)
          .sort((a, b) => {
            for (const k of keys) {
              const c = naive(rows[a]![k], rows[b]![k], dirs[k]!);
              if (c !== 0) return c;
            }
            return a - b;
          });
        assert.deepEqual(got, want);
      },
    ),
    { numRuns: 150 },
  );
});
