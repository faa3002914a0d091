import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DictMerger, COLUMN_MERGE_PROBE } from '../../../src/frame/batch/dict-merger.js';
import { isDistinct } from '../../../src/frame/batch/dict-distinct.js';
import { VectorBuilder } from '../../../src/frame/batch/builder.js';
import { getValue } from '../../../src/frame/batch/values.js';

test('a merger under its probe merges repeats and marks the result distinct', () => {
  const m = new DictMerger(8);
  const codes = ['a', 'b', 'a', 'c', 'b', 'a'].map((s) => m.code(s));
  assert.deepEqual(codes, [0, 1, 0, 2, 1, 0]);
  assert.deepEqual(m.add(['c', 'd']), Int32Array.from([2, 3]));
  assert.deepEqual(m.result(), ['a', 'b', 'c', 'd']);
  assert.ok(isDistinct(m.result()));
});

test('past its probe, a merger whose entries did not halve appends and no longer claims distinct entries', () => {
  const m = new DictMerger(4);
  for (const s of ['a', 'b', 'c', 'd']) m.code(s); // 4 seen, 4 distinct: merging does not pay
  assert.equal(m.code('a'), 4); // appended again, not merged
  const dict = m.result();
  assert.deepEqual(dict, ['a', 'b', 'c', 'd', 'a']);
  assert.ok(!isDistinct(dict));
});

test('past its probe, a merger that halved its entries keeps merging', () => {
  const m = new DictMerger(4);
  for (const s of ['a', 'a', 'b', 'b', 'a']) m.code(s);
  assert.equal(m.code('b'), 1);
  assert.ok(isDistinct(m.result()));
});

test('a copied merger is independent of its source', () => {
  const m = new DictMerger();
  m.code('x');
  const c = m.copy();
  assert.equal(c.code('y'), 1);
  assert.equal(m.code('z'), 1);
  assert.deepEqual(m.result(), ['x', 'z']);
  assert.deepEqual(c.result(), ['x', 'y']);
});

test('a builder of a column with more distinct strings than the probe stops merging yet keeps every value', () => {
  const n = COLUMN_MERGE_PROBE + 1000;
  const b = new VectorBuilder('string', n);
  for (let i = 0; i < n; i++) b.append(`s${i % (n - 10)}`); // the last 10 repeat the first 10
  const v = b.finish();
  assert.ok(!isDistinct(v.dict!));
  assert.equal(v.dict!.length, n); // the repeats came after the probe, so they were appended
  for (const i of [0, 5, COLUMN_MERGE_PROBE, n - 10, n - 1]) assert.equal(getValue(v, i), `s${i % (n - 10)}`);
});

test('a builder of a column with a long tail of repeats keeps a distinct dictionary', () => {
  const n = COLUMN_MERGE_PROBE * 2;
  const b = new VectorBuilder('string', n);
  for (let i = 0; i < n; i++) b.append(`id${(i * 7919) % 1000}`);
  const v = b.finish();
  assert.ok(isDistinct(v.dict!));
  assert.equal(v.dict!.length, 1000);
});
