import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as arrow from 'apache-arrow';
import { fromArrowTable, toArrowTable } from '../../../src/frame/batch/arrow.js';
import { batchFromRecords, batchToRecords } from '../../../src/frame/batch/records.js';
import { sliceBatch } from '../../../src/frame/batch/batch.js';

const records = [
  { i: 1, big: 2 ** 40, f: 0.25, s: 'x', b: true, t: new Date(1700000000000), l: [[1], [2, 3]] },
  { i: null, big: -(2 ** 40) - 3, f: null, s: null, b: null, t: null, l: null },
  { i: -5, big: null, f: NaN, s: 'y', b: false, t: new Date(-86400000), l: [] },
];

test('records → batch → Arrow → batch → records', () => {
  const batch = batchFromRecords(records);
  const table = toArrowTable(batch.schema, [batch, batch]);
  assert.equal(table.numRows, 6);
  assert.equal(String(table.schema.fields[1]!.type), 'Int64');
  assert.ok(arrow.DataType.isDictionary(table.schema.fields[3]!.type));
  assert.equal(table.getChild('big')!.get(1), BigInt(-(2 ** 40) - 3));
  assert.equal(table.getChild('t')!.get(0), 1700000000000);
  const back = fromArrowTable(table);
  assert.deepEqual(back.schema, batch.schema);
  assert.deepEqual(back.batches.flatMap(batchToRecords), [...records, ...records]);
});

test('toArrowTable shares int32 and float64 buffers and one dictionary across batches', () => {
  const batch = batchFromRecords(records);
  const table = toArrowTable(batch.schema, [batch, batch]);
  assert.equal(table.batches[0]!.data.children[0]!.values, batch.columns[0]!.values);
  const d0 = table.batches[0]!.data.children[3]!.dictionary;
  assert.equal(table.batches[1]!.data.children[3]!.dictionary, d0);
});

test('slices with unaligned offsets convert correctly', () => {
  const many = Array.from({ length: 21 }, (_, k) => ({ n: k % 4 === 0 ? null : k, b: k % 3 === 0 }));
  const batch = batchFromRecords(many);
  const sl = sliceBatch(batch, 3, 19);
  const back = fromArrowTable(toArrowTable(sl.schema, [sl]));
  assert.deepEqual(batchToRecords(back.batches[0]!), many.slice(3, 19));
  // Arrow-side slicing: offsets inside arrow Data (bitmaps and bool bits start mid-byte)
  const t = toArrowTable(batch.schema, [batch]).slice(5, 18);
  assert.deepEqual(fromArrowTable(t).batches.flatMap(batchToRecords), many.slice(5, 18));
});

test('fromArrowTable reads the Arrow types other writers produce', () => {
  const table = arrow.tableFromArrays({
    i8: Int8Array.from([-1, 2]),
    u16: Uint16Array.from([65535, 0]),
    u32: Uint32Array.from([4294967295, 1]),
    i64: BigInt64Array.from([-(2n ** 50n), 7n]),
    u64: BigUint64Array.from([2n ** 52n, 1n]),
    f32: Float32Array.from([1.5, -2]),
    s: ['a', 'bb'],
  });
  const { schema, batches } = fromArrowTable(table);
  assert.deepEqual(schema.fields.map((f) => f.type), ['int32', 'int32', 'int64', 'int64', 'int64', 'float64', 'string']);
  assert.deepEqual(batchToRecords(batches[0]!), [
    { i8: -1, u16: 65535, u32: 4294967295, i64: -(2 ** 50), u64: 2 ** 52, f32: 1.5, s: 'a' },
    { i8: 2, u16: 0, u32: 1, i64: 7, u64: 1, f32: -2, s: 'bb' },
  ]);
});

test('fromArrowTable converts dates, timestamps of every unit, Utf8 and Null', () => {
  const mk = <T extends arrow.DataType>(type: T, data: unknown) => arrow.makeVector(arrow.makeData({ type, length: 2, data } as never));
  const table = new arrow.Table({
    d32: mk(new arrow.DateDay(), Int32Array.from([1, -1])),
    d64: mk(new arrow.DateMillisecond(), BigInt64Array.from([86400000n * 3n, -1n])),
    ts: mk(new arrow.TimestampSecond(), BigInt64Array.from([2n, -3n])),
    tus: mk(new arrow.TimestampMicrosecond(), BigInt64Array.from([2000n, 5000n])),
    tns: mk(new arrow.TimestampNanosecond(), BigInt64Array.from([1700000000000000000n, 0n])),
    u: arrow.vectorFromArray(['héllo', null], new arrow.Utf8()),
    n: arrow.makeVector(arrow.makeData({ type: new arrow.Null(), length: 2 })),
  });
  const { schema, batches } = fromArrowTable(table);
  assert.deepEqual(schema.fields.map((f) => f.type), ['date', 'date', 'timestamp', 'timestamp', 'timestamp', 'string', 'null']);
  assert.deepEqual(batchToRecords(batches[0]!), [
    { d32: new Date(86400000), d64: new Date(3 * 86400000), ts: new Date(2000), tus: new Date(2), tns: new Date(1700000000000), u: 'héllo', n: null },
    { d32: new Date(-86400000), d64: new Date(-86400000), ts: new Date(-3000), tus: new Date(5), tns: new Date(0), u: null, n: null },
  ]);
});
