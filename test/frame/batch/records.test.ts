import { test } from 'node:test';
import assert from 'node:assert/strict';
import { batchFromColumns, batchFromRecords, batchToRecords, inferSchema } from '../../../src/frame/batch/records.js';
import { SluiceError } from '../../../src/util/errors.js';

test('inferSchema picks the narrowest type that holds every value', () => {
  const s = inferSchema([
    { i: 1, big: 3_000_000_000, f: 1, s: 'a', b: true, t: new Date(0), l: [1, 2.5], n: null, mix: 1 },
    { i: -7, big: 1, f: 1.5, s: 'b', b: false, t: new Date(5), l: null, n: undefined, mix: 'x' },
    { i: 2 },
  ]);
  assert.deepEqual(
    s.fields.map((f) => [f.name, f.type, f.nullable]),
    [
      ['i', 'int32', false],
      ['big', 'int64', true],
      ['f', 'float64', true],
      ['s', 'string', true],
      ['b', 'bool', true],
      ['t', 'timestamp', true],
      ['l', { list: 'float64' }, true],
      ['n', 'string', true],
      ['mix', 'string', true],
    ],
  );
});

test('inferSchema rejects nested objects, naming the record and column', () => {
  assert.throws(() => inferSchema([{ a: 1 }, { a: { x: 1 } }]), (e: unknown) => e instanceof SluiceError && /record 1, column 'a'/.test(e.message));
});

test('batchFromRecords converts values to the schema type', () => {
  const schema = {
    fields: [
      { name: 'i', type: 'int32' as const, nullable: true },
      { name: 'd', type: 'date' as const, nullable: true },
      { name: 's', type: 'string' as const, nullable: true },
      { name: 'b', type: 'bool' as const, nullable: true },
    ],
  };
  const b = batchFromRecords([{ i: '12', d: '2024-03-01', s: 5, b: 'true' }, { i: 3n, d: new Date(Date.UTC(2024, 2, 1, 13)), s: false, b: 0 }], schema);
  assert.deepEqual(batchToRecords(b), [
    { i: 12, d: new Date(Date.UTC(2024, 2, 1)), s: '5', b: true },
    { i: 3, d: new Date(Date.UTC(2024, 2, 1)), s: 'false', b: false },
  ]);
});

test('batchFromRecords reports a value that does not fit with its record index and column', () => {
  const schema = { fields: [{ name: 'x', type: 'int32' as const, nullable: false }] };
  assert.throws(() => batchFromRecords([{ x: 1 }, { x: 'abc' }], schema), (e: unknown) => e instanceof SluiceError && /record 1, column 'x'.*"abc".*int32/.test(e.message));
  assert.throws(() => batchFromRecords([{ x: 1.5 }], schema), /record 0, column 'x'/);
  assert.throws(() => batchFromRecords([{ x: 1 }, {}], schema), /record 1, column 'x': null in a non-nullable/);
});

test('records round trip through a batch, lists of dates included', () => {
  const records = [
    { id: 1, name: 'ann', score: 2.5, ok: true, at: new Date(1700000000123), tags: ['a', 'b'] },
    { id: 2, name: null, score: null, ok: null, at: null, tags: null },
    { id: 3, name: 'bo', score: -0.5, ok: false, at: new Date(0), tags: [] },
  ];
  assert.deepEqual(batchToRecords(batchFromRecords(records)), records);
  const schema = { fields: [{ name: 'ds', type: { list: 'date' as const }, nullable: true }] };
  assert.deepEqual(batchToRecords(batchFromRecords([{ ds: ['1970-01-03', null] }], schema)), [{ ds: [new Date(2 * 86400000), null] }]);
});

test('batchFromColumns infers per column and checks lengths', () => {
  const b = batchFromColumns({ a: [1, 2], b: ['x', null] });
  assert.deepEqual(b.schema.fields.map((f) => [f.type, f.nullable]), [['int32', false], ['string', true]]);
  assert.deepEqual(batchToRecords(b), [{ a: 1, b: 'x' }, { a: 2, b: null }]);
  assert.throws(() => batchFromColumns({ a: [1, 2], b: ['x'] }), /column 'b' has 1 values/);
  const typed = batchFromColumns({ a: [1, 2] }, { fields: [{ name: 'a', type: 'float64', nullable: false }] });
  assert.equal(typed.columns[0]!.values!.constructor, Float64Array);
});
