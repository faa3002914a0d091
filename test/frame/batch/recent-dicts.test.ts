import { test } from 'node:test';
import assert from 'node:assert/strict';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { decodeIpc, encodeIpc } from '../../../src/frame/batch/ipc.js';
import type { Schema } from '../../../src/frame/types.js';

const schema: Schema = { fields: [{ name: 's', type: 'string', nullable: false }] };
const encode = (values: string[]) => {
  const v = vectorFromValues('string', values);
  return encodeIpc({ schema, columns: [v], numRows: v.length });
};
const dictOf = (bytes: Uint8Array) => decodeIpc(bytes)[0]!.columns[0]!.dict!;

test('streams that repeat a dictionary decode to one string array', () => {
  const values = Array.from({ length: 1000 }, (_, i) => `value-${i}`);
  const a = dictOf(encode(values));
  const b = dictOf(encode(values));
  assert.equal(a, b);
  assert.deepEqual(a, values);
  // Same size, other content: a different array with its own strings.
  const c = dictOf(encode(values.map((v) => v.replace('value', 'other'))));
  assert.notEqual(c, a);
  assert.equal(c[999], 'other-999');
  // Small dictionaries are decoded afresh, and so are very large ones (not pinned in the heap).
  assert.notEqual(dictOf(encode(['x', 'y'])), dictOf(encode(['x', 'y'])));
  const large = Array.from({ length: 140_000 }, (_, i) => `v${i}`);
  assert.notEqual(dictOf(encode(large)), dictOf(encode(large)));
});

test('a repeated dictionary does not keep the bytes it was first read from', () => {
  const values = Array.from({ length: 500 }, (_, i) => `k${i}`);
  const bytes = encode(values);
  const first = dictOf(bytes);
  bytes.fill(0); // the source buffer is reused or freed
  const again = dictOf(encode(values));
  assert.equal(again, first);
  assert.deepEqual(again, values);
  // Written again (its bytes reused, not re-encoded): still the right strings.
  const v = { type: 'string' as const, length: 500, values: Int32Array.from({ length: 500 }, (_, i) => i), dict: first, validity: null, nullCount: 0 };
  const back = decodeIpc(encodeIpc({ schema, columns: [v], numRows: 500 }))[0]!.columns[0]!;
  assert.deepEqual([...back.values!].map((c) => back.dict![c]), values);
});
