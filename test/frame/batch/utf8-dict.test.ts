import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { concatVectors, sliceVector, takeVector } from '../../../src/frame/batch/batch.js';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { compactDict, compactSharedDicts } from '../../../src/frame/batch/compact-dict.js';
import { isDistinct, markDistinct } from '../../../src/frame/batch/dict-distinct.js';
import { MERGE_PROBE } from '../../../src/frame/batch/dict-merger.js';
import { decodeIpc, encodeIpc, encodeIpcBatches } from '../../../src/frame/batch/ipc.js';
import { vectorBytes } from '../../../src/frame/batch/size.js';
import { utf8Vector } from '../../../src/frame/batch/utf8.js';
import { Utf8Dict } from '../../../src/frame/batch/utf8-dict.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnVector } from '../../../src/frame/batch/vector.js';
import type { Schema } from '../../../src/frame/types.js';

const schema: Schema = { fields: [{ name: 's', type: 'string', nullable: true }] };

/** A string column as a cache or shuffle read gives it back: its dictionary still UTF-8. */
function read(values: (string | null)[], distinct = false): ColumnVector {
  const v = vectorFromValues('string', values);
  if (distinct) markDistinct(v.dict!);
  return decodeIpc(encodeIpc({ schema, columns: [v], numRows: v.length }))[0]!.columns[0]!;
}

const rows = (v: ColumnVector) => Array.from({ length: v.length }, (_, i) => getValue(v, i));

test('a column read from IPC keeps its dictionary as bytes through take, slice, cut, concatenation and a write', () => {
  const values = Array.from({ length: 500 }, (_, i) => (i % 11 === 0 ? null : `id-${i % 200}-é`));
  const v = read(values);
  assert.ok(v.utf8);
  const taken = takeVector(v, Int32Array.from([5, 3, -1, 499, 0]));
  const sliced = sliceVector(v, 100, 180);
  const cut = compactDict(sliced);
  const written = decodeIpc(encodeIpc({ schema, columns: [taken], numRows: taken.length }))[0]!.columns[0]!;
  for (const u of [taken, sliced, cut, written]) assert.ok(u.utf8 && u.utf8.decodedStrings === null, 'not decoded');
  assert.ok(cut.utf8!.length < v.utf8!.length);
  assert.equal(v.utf8!.decodedStrings, null);
  // Reading the rows decodes, and gives the values written.
  const picked = [5, 3, -1, 499, 0].map((i) => (i < 0 ? null : values[i]!));
  assert.deepEqual(rows(written), picked);
  assert.deepEqual(rows(cut), values.slice(100, 180));
  // Small dictionaries are merged (decoded) when concatenated.
  assert.deepEqual(rows(concatVectors('string', [taken, cut])), picked.concat(values.slice(100, 180)));
});

test('batches sharing a dictionary still UTF-8 are written with it once and cut as bytes', () => {
  const v = read(Array.from({ length: 1000 }, (_, i) => `k${i}`));
  const a = { schema, columns: [sliceVector(v, 0, 10)], numRows: 10 };
  const b = { schema, columns: [sliceVector(v, 10, 20)], numRows: 10 };
  const [ca, cb] = compactSharedDicts([a, b]);
  assert.equal(ca!.columns[0]!.utf8, cb!.columns[0]!.utf8);
  assert.equal(ca!.columns[0]!.utf8!.length, 20);
  const back = decodeIpc(encodeIpcBatches(schema, [ca!, cb!]));
  assert.equal(back[0]!.columns[0]!.utf8, back[1]!.columns[0]!.utf8);
  assert.deepEqual(rows(back[1]!.columns[0]!), Array.from({ length: 10 }, (_, i) => `k${10 + i}`));
  assert.equal(v.utf8!.decodedStrings, null);
});

test('large dictionaries still UTF-8 are appended byte for byte; small ones are merged', () => {
  const half = MERGE_PROBE / 2 + 10;
  const a = read(Array.from({ length: half }, (_, i) => `a${i}`));
  const b = read(Array.from({ length: half }, (_, i) => `b${i}ü`));
  const big = concatVectors('string', [a, b]);
  assert.ok(big.utf8 && big.utf8.decodedStrings === null);
  assert.equal(big.utf8.length, 2 * half);
  assert.ok(!big.utf8.distinct);
  assert.equal(getValue(big, 0), 'a0');
  assert.equal(getValue(big, half + 7), 'b7ü');
  const small = concatVectors('string', [read(['x', 'y', 'x']), read(['y', 'z'])]);
  assert.deepEqual(small.dict, ['x', 'y', 'z']);
  assert.deepEqual(rows(small), ['x', 'y', 'x', 'y', 'z']);
});

test('Utf8Dict.concat re-bases offsets of sliced sources', () => {
  const whole = utf8Vector(['zero', 'one', 'twö', 'three']);
  const offsets = whole.data[0]!.valueOffsets as Int32Array;
  // A source whose offsets start past 0: entries 1..3 of `whole` over the same bytes.
  const tail = arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: 3, nullCount: 0, valueOffsets: offsets.subarray(1), data: whole.data[0]!.values }));
  const d = Utf8Dict.concat([new Utf8Dict(tail, true), new Utf8Dict(utf8Vector(['x']), true)]);
  assert.deepEqual(d.strings(), ['one', 'twö', 'three', 'x']);
  assert.ok(!d.distinct);
  assert.deepEqual(new Utf8Dict(tail, false).pick(Int32Array.from([2, 0])).strings(), ['three', 'one']);
});

test('a dictionary written as distinct is read back distinct, before and after decoding', () => {
  const v = read(['p', 'q', 'r', 'q'], true);
  assert.ok(v.utf8!.distinct);
  assert.ok(isDistinct(v.dict!));
  const repeats: ColumnVector = { type: 'string', length: 2, values: Int32Array.from([0, 1]), dict: ['p', 'p'], validity: null, nullCount: 0 };
  const w = decodeIpc(encodeIpc({ schema, columns: [repeats], numRows: 2 }))[0]!.columns[0]!;
  assert.ok(!w.utf8!.distinct);
  assert.ok(!isDistinct(w.dict!));
  const cut = compactDict(takeVector(read(Array.from({ length: 100 }, (_, i) => `v${i}`), true), Int32Array.from([1, 2])));
  assert.ok(cut.utf8!.distinct, 'a cut of a distinct dictionary is distinct');
});

test('the memory estimate of a dictionary still UTF-8 counts its bytes, and its strings once decoded', () => {
  const v = read(Array.from({ length: 100 }, (_, i) => `value-${i}`));
  const before = vectorBytes(v);
  assert.ok(before >= 100 * 4 + 100 * 'value-00'.length);
  void v.dict;
  assert.ok(vectorBytes(v) > before);
});
