import { test } from 'node:test';
import * as arrow from 'apache-arrow';
import { toArrowTable } from '../../../src/frame/batch/arrow.js';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { isDistinct } from '../../../src/frame/batch/dict-distinct.js';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { decodeIpc, encodeIpc, encodeIpcBatches, encodeIpcPieces } from '../../../src/frame/batch/ipc.js';
import { batchFromRecords, batchToRecords } from '../../../src/frame/batch/records.js';
import { concatBatches, nullVector, sliceBatch } from '../../../src/frame/batch/batch.js';
import type { Schema } from '../../../src/frame/types.js';
import { SluiceError } from '../../../src/util/errors.js';
import { getValue } from '../../../src/frame/batch/values.js';

const schema: Schema = {
  fields: [
    { name: 'b', type: 'bool', nullable: true },
    { name: 'i', type: 'int32', nullable: true },
    { name: 'l', type: 'int64', nullable: true },
    { name: 'f', type: 'float64', nullable: true },
    { name: 's', type: 'string', nullable: true },
    { name: 'd', type: 'date', nullable: true },
    { name: 't', type: 'timestamp', nullable: true },
    { name: 'ls', type: { list: 'string' }, nullable: true },
    { name: 'z', type: 'null', nullable: true },
  ],
};

test('IPC round trip with nulls in every type', () => {
  const records = [
    { b: true, i: -2147483648, l: 2 ** 53, f: -0.5, s: 'ü', d: new Date(Date.UTC(1969, 11, 31)), t: new Date(1), ls: ['a', null], z: null },
    { b: null, i: null, l: null, f: null, s: null, d: null, t: null, ls: null, z: null },
    { b: false, i: 2147483647, l: -(2 ** 53), f: Infinity, s: '', d: new Date(Date.UTC(2038, 0, 19)), t: new Date(-1), ls: [], z: null },
  ];
  const batch = batchFromRecords(records, schema);
  const out = decodeIpc(encodeIpc(batch));
  assert.equal(out.length, 1);
  assert.deepEqual(out[0]!.schema, schema);
  assert.deepEqual(batchToRecords(out[0]!), records);
  assert.deepEqual(out[0]!.columns.map((c) => c.nullCount), [1, 1, 1, 1, 1, 1, 1, 1, 3]);
});

test('decodeIpc views fixed-width columns in the input bytes (zero-copy)', () => {
  const batch = batchFromRecords(Array.from({ length: 100 }, (_, k) => ({ i: k, f: k / 2, s: `s${k % 7}` })));
  const bytes = encodeIpc(batch);
  const [out] = decodeIpc(bytes);
  for (const c of out!.columns) assert.equal(c.values!.buffer, bytes.buffer);
  assert.deepEqual(batchToRecords(out!), batchToRecords(batch));
});

test('encodeIpcPieces is Arrow\'s IPC stream in pieces, viewing the batches\' own buffers; encodeIpcBatches joins them', () => {
  const batch = batchFromRecords(Array.from({ length: 1000 }, (_, k) => ({ i: k, f: k / 2, s: `s${k % 7}`, n: k % 3 ? k : null })));
  const slices = [sliceBatch(batch, 0, 400), sliceBatch(batch, 400, 1000)];
  const pieces = encodeIpcPieces(batch.schema, slices);
  // As long as Arrow's own joined stream (dictionary ids differ: each encoding numbers its dictionaries afresh).
  assert.equal(Buffer.concat(pieces).byteLength, arrow.tableToIPC(toArrowTable(batch.schema, slices), 'stream').byteLength);
  assert.deepEqual(decodeIpc(encodeIpcBatches(batch.schema, slices)).flatMap(batchToRecords), batchToRecords(batch));
  const f = batch.columns[1]!.values!;
  assert.ok(pieces.some((p) => p.buffer === f.buffer), 'a float column is written from its own buffer');
  assert.deepEqual(decodeIpc(new Uint8Array(Buffer.concat(pieces))).flatMap(batchToRecords), batchToRecords(batch));
});

test('IPC of sliced and concatenated batches, and of an empty batch', () => {
  const a = batchFromRecords([{ s: 'x', n: 1 }, { s: 'y', n: null }, { s: 'x', n: 3 }]);
  const b = batchFromRecords([{ s: 'z', n: 4 }]);
  const c = sliceBatch(concatBatches(a.schema, [a, b]), 1, 4);
  assert.deepEqual(batchToRecords(decodeIpc(encodeIpc(c))[0]!), [{ s: 'y', n: null }, { s: 'x', n: 3 }, { s: 'z', n: 4 }]);
  const empty = sliceBatch(a, 0, 0);
  const [e] = decodeIpc(encodeIpc(empty));
  assert.equal(e!.numRows, 0);
  assert.deepEqual(e!.schema, a.schema);
});

test('IPC of all-null columns of every type', () => {
  const columns = schema.fields.map((f) => nullVector(f.type, 3));
  const [out] = decodeIpc(encodeIpc({ schema, columns, numRows: 3 }));
  assert.deepEqual(batchToRecords(out!), Array.from({ length: 3 }, () => Object.fromEntries(schema.fields.map((f) => [f.name, null]))));
});

test('IPC carries whether a dictionary is distinct', () => {
  const sch: Schema = { fields: [{ name: 's', type: 'string', nullable: false }] };
  const built = vectorFromValues('string', ['a', 'b', 'a']);
  assert.equal(isDistinct(built.dict!), true);
  const back = decodeIpc(encodeIpc({ schema: sch, columns: [built], numRows: 3 }))[0]!.columns[0]!;
  assert.equal(isDistinct(back.dict!), true);
  const repeated = { type: 'string' as const, length: 3, values: Int32Array.of(0, 1, 2), dict: ['a', 'b', 'a'], validity: null, nullCount: 0 };
  const back2 = decodeIpc(encodeIpc({ schema: sch, columns: [repeated], numRows: 3 }))[0]!.columns[0]!;
  assert.equal(isDistinct(back2.dict!), false);
  assert.deepEqual([...back2.values!].map((c) => back2.dict![c]), ['a', 'b', 'a']);
});

test('decodeIpc rejects garbage with a SluiceError', () => {
  assert.throws(() => decodeIpc(new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9])), SluiceError);
});

test('property: random records survive records → IPC → records', () => {
  const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: null });
  const day = fc.integer({ min: -40000, max: 40000 }).map((k) => new Date(k * 86400000));
  const row = fc.record({
    b: opt(fc.boolean()),
    i: opt(fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 })),
    l: opt(fc.maxSafeInteger()),
    f: opt(fc.double()),
    s: opt(fc.string({ unit: 'grapheme', maxLength: 6 })),
    d: opt(day),
    t: opt(fc.integer({ min: -(2 ** 45), max: 2 ** 45 }).map((ms) => new Date(ms))),
    ls: opt(fc.array(opt(fc.string({ maxLength: 3 })), { maxLength: 3 })),
    z: fc.constant(null),
  }, { noNullPrototype: true });
  fc.assert(
    fc.property(fc.array(row, { maxLength: 40 }), fc.nat(45), (records, start) => {
      const batch = sliceBatch(batchFromRecords(records, schema), start, start + 30);
      const out = decodeIpc(encodeIpc(batch));
      assert.deepEqual(out.flatMap(batchToRecords), records.slice(start, start + 30));
    }),
    { numRuns: 60 },
  );
});

test('columns with a repeated name round-trip by position (SQL SELECT 1 AS c, 2 AS c)', () => {
  const schema = { fields: [{ name: 'c', type: 'int32' as const, nullable: true }, { name: 'c', type: 'string' as const, nullable: true }, { name: 'c', type: 'float64' as const, nullable: true }] };
  const columns = [vectorFromValues('int32', [1, null]), vectorFromValues('string', ['x', 'y']), vectorFromValues('float64', [0.5, 2])];
  const [back] = decodeIpc(encodeIpc({ schema, columns, numRows: 2 }));
  assert.deepEqual(back!.schema.fields.map((f) => [f.name, f.type]), [['c', 'int32'], ['c', 'string'], ['c', 'float64']]);
  assert.deepEqual(back!.columns.map((v) => [getValue(v, 0), getValue(v, 1)]), [[1, null], ['x', 'y'], [0.5, 2]]);
});
