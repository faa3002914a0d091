import { test } from 'node:test';
import { isDistinct } from '../../../src/frame/batch/dict-distinct.js';
import assert from 'node:assert/strict';
import { concatBatches, emptyBatch, makeBatch, nullVector, renameColumns, selectColumns, sliceBatch, takeRows, takeVector } from '../../../src/frame/batch/batch.js';
import { batchFromColumns, batchToRecords } from '../../../src/frame/batch/records.js';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnVector } from '../../../src/frame/batch/vector.js';
import { SluiceError } from '../../../src/util/errors.js';

const values = (v: ColumnVector) => Array.from({ length: v.length }, (_, i) => getValue(v, i));

test('makeBatch checks column count, lengths and types', () => {
  const schema = { fields: [{ name: 'a', type: 'int32' as const, nullable: false }, { name: 'b', type: 'string' as const, nullable: true }] };
  const a = vectorFromValues('int32', [1, 2]);
  const b = vectorFromValues('string', ['x', null]);
  assert.equal(makeBatch(schema, [a, b]).numRows, 2);
  assert.throws(() => makeBatch(schema, [a]), /1 column\(s\) but its schema has 2/);
  assert.throws(() => makeBatch(schema, [a, vectorFromValues('string', ['x'])]), /column 'b' has 1 rows/);
  assert.throws(() => makeBatch(schema, [b, a]), (e: unknown) => e instanceof SluiceError && /column 'a' holds string/.test(e.message));
  assert.equal(makeBatch({ fields: [] }, [], 7).numRows, 7);
});

test('emptyBatch has zero rows of every field type', () => {
  const schema = { fields: [{ name: 's', type: 'string' as const, nullable: true }, { name: 'l', type: { list: 'int32' as const }, nullable: true }] };
  const e = emptyBatch(schema);
  assert.equal(e.numRows, 0);
  assert.deepEqual(e.columns.map((c) => c.length), [0, 0]);
  assert.deepEqual(batchToRecords(e), []);
});

test('takeVector gathers rows, -1 gives null, strings keep their dictionary', () => {
  const s = vectorFromValues('string', ['a', null, 'c']);
  const t = takeVector(s, Int32Array.from([2, -1, 0, 1, 2]));
  assert.equal(t.dict, s.dict);
  assert.deepEqual(values(t), ['c', null, 'a', null, 'c']);
  assert.equal(t.nullCount, 2);
  const n = takeVector(vectorFromValues('float64', [1.5, 2.5]), Int32Array.from([1, 1, 0]));
  assert.equal(n.validity, null);
  assert.deepEqual(values(n), [2.5, 2.5, 1.5]);
  const l = takeVector(vectorFromValues({ list: 'int32' }, [[1], [2, 3]]), Int32Array.from([-1, 1]));
  assert.deepEqual(values(l), [null, [2, 3]]);
  const b = takeVector(vectorFromValues('bool', [true, false]), Int32Array.from([1, -1, 0]));
  assert.deepEqual(values(b), [false, null, true]);
});

test('takeRows applies to every column', () => {
  const batch = batchFromColumns({ k: [1, 2, 3], v: ['x', 'y', 'z'] });
  assert.deepEqual(batchToRecords(takeRows(batch, Int32Array.from([2, -1]))), [{ k: 3, v: 'z' }, { k: null, v: null }]);
});

test('sliceBatch shares buffers and handles unaligned validity bitmaps', () => {
  const vals = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? null : i));
  const batch = batchFromColumns({ a: vals });
  for (const [s, e] of [[0, 30], [3, 17], [8, 16], [5, 6], [29, 40], [10, 10]] as const) {
    const sl = sliceBatch(batch, s, e);
    const expected = vals.slice(s, e);
    assert.deepEqual(values(sl.columns[0]!), expected, `slice ${s}..${e}`);
    assert.equal(sl.columns[0]!.nullCount, expected.filter((x) => x === null).length);
    assert.equal(sl.numRows, expected.length);
  }
  assert.equal(sliceBatch(batch, 2, 9).columns[0]!.values!.buffer, batch.columns[0]!.values!.buffer);
});

test('concatBatches merges different string dictionaries by remapping codes', () => {
  const b1 = batchFromColumns({ s: ['a', 'b', null], n: [1, 2, 3] });
  const b2 = batchFromColumns({ s: ['c', 'a', 'c'], n: [4, null, 6] });
  const b3 = batchFromColumns({ s: ['b'], n: [7] });
  const c = concatBatches(b1.schema, [b1, b2, b3]);
  assert.deepEqual(values(c.columns[0]!), ['a', 'b', null, 'c', 'a', 'c', 'b']);
  assert.deepEqual(values(c.columns[1]!), [1, 2, 3, 4, null, 6, 7]);
  assert.deepEqual([...c.columns[0]!.dict!].sort(), ['a', 'b', 'c']);
  assert.equal(c.columns[0]!.nullCount, 1);
  assert.equal(c.columns[1]!.nullCount, 1);
});

test('concatBatches appends high-cardinality dictionaries without merging, and says they may repeat', () => {
  const schema = { fields: [{ name: 's', type: 'string' as const, nullable: false }] };
  // Chunks of 1000 fresh strings each, with one string repeated across chunks.
  const chunks = Array.from({ length: 100 }, (_, k) => makeBatch(schema, [vectorFromValues('string', ['same', ...Array.from({ length: 999 }, (_, i) => `s${k}-${i}`)])]));
  const c = concatBatches(schema, chunks);
  const v = c.columns[0]!;
  assert.equal(v.length, 100_000);
  assert.deepEqual([0, 1, 999, 1000, 99_999].map((i) => getValue(v, i)), ['same', 's0-0', 's0-998', 'same', 's99-998']);
  assert.ok(v.dict!.filter((x) => x === 'same').length > 1, 'later chunks are appended as they are');
  assert.equal(isDistinct(v.dict!), false);
  // Low cardinality: merged, and marked distinct.
  const low = concatBatches(schema, Array.from({ length: 100 }, (_, k) => makeBatch(schema, [vectorFromValues('string', [`k${k % 3}`, 'x'])])));
  assert.deepEqual([...low.columns[0]!.dict!].sort(), ['k0', 'k1', 'k2', 'x']);
  assert.equal(isDistinct(low.columns[0]!.dict!), true);
});

test('concatBatches keeps a shared dictionary and accepts all-null columns', () => {
  const s = vectorFromValues('string', ['p', 'q']);
  const schema = { fields: [{ name: 's', type: 'string' as const, nullable: true }] };
  const c = concatBatches(schema, [makeBatch(schema, [s]), makeBatch(schema, [takeVector(s, Int32Array.from([1]))])]);
  assert.equal(c.columns[0]!.dict, s.dict);
  assert.deepEqual(values(c.columns[0]!), ['p', 'q', 'q']);
  const withNull = concatBatches(schema, [c, { schema, columns: [nullVector('null', 2)], numRows: 2 }]);
  assert.deepEqual(values(withNull.columns[0]!), ['p', 'q', 'q', null, null]);
  assert.throws(() => concatBatches(schema, [c, batchFromColumns({ s: [1] })]), /column 's'.*int32/);
});

test('selectColumns and renameColumns', () => {
  const b = batchFromColumns({ a: [1], b: ['x'], c: [true] });
  const s = selectColumns(b, [2, 0, 2]);
  assert.deepEqual(s.schema.fields.map((f) => f.name), ['c', 'a', 'c']);
  assert.equal(s.columns[1], b.columns[0]);
  assert.throws(() => selectColumns(b, [3]), /out of range/);
  assert.deepEqual(batchToRecords(renameColumns(b, ['x', 'y', 'z'])), [{ x: 1, y: 'x', z: true }]);
  assert.throws(() => renameColumns(b, ['x']), SluiceError);
});

test('nullVector is null in every row of any type', () => {
  for (const t of ['int32', 'string', 'bool', 'timestamp', { list: 'string' }] as const) {
    const v = nullVector(t, 3);
    assert.deepEqual(values(v), [null, null, null]);
    assert.equal(v.nullCount, 3);
  }
});

test('concatBatches of the pieces of shuffle streams keep each stream entry once; a lone slice of a large dictionary is cut', async () => {
  const { Utf8DictBuilder } = await import('../../../src/frame/batch/utf8-dict-builder.js');
  const { stringVector } = await import('../../../src/frame/batch/utf8-dict.js');
  const { sliceVector } = await import('../../../src/frame/batch/batch.js');
  const enc = new TextEncoder();
  const schema = { fields: [{ name: 's', type: 'string' as const, nullable: true }] };
  /** A stream: `n` unique ids over one byte dictionary, with a null every 7th row, cut into pieces of `piece` rows. */
  const stream = (k: number, n: number, piece: number) => {
    const b = new Utf8DictBuilder();
    const codes = new Int32Array(n);
    const validity = new Uint8Array(Math.ceil(n / 8));
    const expect: (string | null)[] = [];
    let nulls = 0;
    for (let i = 0; i < n; i++) {
      if (i % 7 === 3) {
        nulls++;
        expect.push(null);
        continue;
      }
      const s = `id${k}-${(i * 7919) % n}`;
      const bytes = enc.encode(s);
      codes[i] = b.code(bytes, 0, bytes.length);
      validity[i >> 3]! |= 1 << (i & 7);
      expect.push(s);
    }
    const v = stringVector(n, codes, b.finish(), validity, nulls);
    const pieces: ColumnVector[] = [];
    for (let a = 0; a < n; a += piece) pieces.push(sliceVector(v, a, Math.min(n, a + piece)));
    return { pieces, expect, entries: v.utf8!.length };
  };
  const streams = [stream(0, 3000, 256), stream(1, 2500, 512), stream(2, 1000, 1000)];
  const c = concatBatches(schema, streams.flatMap((s) => s.pieces.map((p) => makeBatch(schema, [p]))));
  assert.deepEqual(values(c.columns[0]!), streams.flatMap((s) => s.expect));
  assert.equal(c.columns[0]!.dict!.length, streams.reduce((a, s) => a + s.entries, 0), 'each stream dictionary once');
  // One small slice of a large dictionary next to another stream: the slice brings only its entries.
  const lone = sliceVector(streams[0]!.pieces[0]!, 0, 40);
  const d = concatBatches(schema, [makeBatch(schema, [lone]), ...streams[2]!.pieces.map((p) => makeBatch(schema, [p]))]);
  assert.deepEqual(values(d.columns[0]!), [...streams[0]!.expect.slice(0, 40), ...streams[2]!.expect]);
  assert.ok(d.columns[0]!.dict!.length <= 40 + streams[2]!.entries);
});
