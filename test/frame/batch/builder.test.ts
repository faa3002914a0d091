import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VectorBuilder } from '../../../src/frame/batch/builder.js';
import { getValue } from '../../../src/frame/batch/values.js';

test('a builder reused after finish() does not change the vectors it already made', () => {
  const b = new VectorBuilder('string', 2);
  b.append('a');
  const first = b.finish();
  b.append('b');
  b.appendNull();
  const second = b.finish();
  assert.deepEqual(first.dict, ['a']);
  assert.equal(first.length, 1);
  assert.deepEqual([0, 1, 2].map((i) => getValue(second, i)), ['a', 'b', null]);
  const l = new VectorBuilder({ list: 'int32' });
  l.append([1]);
  const lf = l.finish();
  l.append([2]);
  assert.equal(lf.objects!.length, 1);
});

test('nulls after many valid rows keep earlier rows valid', () => {
  const b = new VectorBuilder('int32', 4);
  for (let i = 0; i < 37; i++) b.append(i);
  b.appendNull();
  b.append(99);
  const v = b.finish();
  assert.equal(v.nullCount, 1);
  assert.deepEqual(Array.from({ length: 39 }, (_, i) => getValue(v, i)), [...Array.from({ length: 37 }, (_, i) => i), null, 99]);
});
