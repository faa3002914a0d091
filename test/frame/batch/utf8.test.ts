import { test } from 'node:test';
import assert from 'node:assert/strict';
import { takeVector } from '../../../src/frame/batch/batch.js';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { compactDict, compactSharedDicts } from '../../../src/frame/batch/compact-dict.js';
import { decodeIpc, encodeIpc } from '../../../src/frame/batch/ipc.js';
import { utf8Strings, utf8Vector } from '../../../src/frame/batch/utf8.js';
import { toArrowTable } from '../../../src/frame/batch/arrow.js';
import type { ColumnBatch, ColumnVector } from '../../../src/frame/batch/vector.js';
import type { Schema } from '../../../src/frame/types.js';

const schema: Schema = { fields: [{ name: 's', type: 'string', nullable: true }] };

/** A string column decoded from IPC, as shuffles and caches give them. */
function decoded(values: (string | null)[]): ColumnVector {
  const v = vectorFromValues('string', values);
  return decodeIpc(encodeIpc({ schema, columns: [v], numRows: v.length }))[0]!.columns[0]!;
}

const strings = (v: ReturnType<typeof utf8Vector>) => Array.from({ length: v.length }, (_, i) => v.get(i));

test('utf8Vector encodes ASCII and non-ASCII strings', () => {
  const dict = ['a', '', 'héllo', '日本', 'z'.repeat(40)];
  assert.deepEqual(strings(utf8Vector(dict)), dict);
  const v = utf8Vector(['ab', 'cd']);
  assert.deepEqual(utf8Strings(v.data[0]!.values, v.data[0]!.valueOffsets as Int32Array, 2), ['ab', 'cd']);
});

test('a decoded dictionary is written again from its own bytes, and cuts of it from the picked bytes', () => {
  const values = Array.from({ length: 300 }, (_, i) => (i % 7 === 0 ? null : `key-${i % 150}-${'x'.repeat(i % 40)}`));
  const v = decoded(values);
  // Unchanged, even once decoded: written from the very Arrow vector it was read from.
  assert.deepEqual(strings(utf8Vector(v.dict!)), v.dict);
  const written = toArrowTable(schema, [{ schema, columns: [v], numRows: v.length }]).batches[0]!.data.children[0]!.dictionary;
  assert.equal(written, v.utf8!.source);
  // A cut (rows 10..29) and a cut of that cut.
  const part = compactDict(takeVector(v, Int32Array.from({ length: 20 }, (_, k) => 10 + k)));
  assert.ok(part.dict!.length < v.dict!.length);
  assert.ok(part.utf8, 'cut from the bytes');
  assert.deepEqual(strings(utf8Vector(part.dict!)), part.dict);
  const inner = compactDict(takeVector(part, Int32Array.from([19, 3, 3, 0])));
  assert.deepEqual(strings(utf8Vector(inner.dict!)), inner.dict);
  assert.deepEqual([...inner.values!].map((c) => inner.dict![c]), [29, 13, 13, 10].map((i) => values[i]));
  // Shared cuts: batches of one dictionary.
  const batches: ColumnBatch[] = [[1, 2], [150, 151, 2]].map((rows) => ({ schema, columns: [takeVector(v, Int32Array.from(rows))], numRows: rows.length }));
  const shared = compactSharedDicts(batches);
  assert.equal(shared[0]!.columns[0]!.dict, shared[1]!.columns[0]!.dict);
  assert.deepEqual(strings(utf8Vector(shared[0]!.columns[0]!.dict!)), shared[0]!.columns[0]!.dict);
  // Through IPC again: the values survive.
  const again = decodeIpc(encodeIpc({ schema, columns: [part], numRows: part.length }))[0]!.columns[0]!;
  assert.deepEqual([...again.values!].map((c, i) => (again.validity && !((again.validity[i >> 3]! >> (i & 7)) & 1) ? null : again.dict![c])), values.slice(10, 30));
});
