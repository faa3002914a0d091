import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { Unpackr } from 'msgpackr';
import { decodeBatch, decodeValue, encodeBatch, encodeValue } from '../../src/serde/record-codec.js';

const roundTrip = (v: unknown) => decodeValue(encodeValue(v));

test('round trips the supported types', () => {
  const values: unknown[] = [
    undefined, null, true, false, 0, 1.5, -7, 2 ** 40, -(2 ** 53 - 1), NaN, Infinity, -Infinity, '', 'héllo ☃ 𝄞',
    5n, -3n, 2n ** 70n, new Date(123456), new Uint8Array([1, 2, 3]), new Float64Array([1.5, -2]),
    new Map<unknown, unknown>([[1, 'a'], [[1, 2], 'b'], ['x', { y: undefined }], [null, new Set([1])]]), new Set(['a', 1]),
    { a: undefined, b: null, c: [1, [2, [3, {}]]] }, [undefined, null], { nested: { deep: { x: [new Date(0)] } } },
  ];
  for (const v of values) assert.deepStrictEqual(roundTrip(v), v);
  assert.deepStrictEqual(decodeBatch(encodeBatch(values)), values);
  assert.ok(Object.hasOwn(roundTrip({ a: undefined }) as object, 'a'), 'undefined properties are kept');
});

test('batches of many shapes and wide objects', () => {
  const rows: unknown[] = [];
  for (let i = 0; i < 300; i++) rows.push({ ['k' + (i % 150)]: i, x: 'v' + i });
  const wide: Record<string, number> = {};
  for (let i = 0; i < 500; i++) wide['p' + i] = i;
  rows.push(wide);
  const out = decodeBatch(encodeBatch(rows));
  assert.deepStrictEqual(out, rows);
  assert.ok(out.every((r) => !(r instanceof Map)));
});

test('each buffer is self-contained: a fresh Unpackr decodes it', () => {
  const rows = [{ a: 1, b: 'x' }, { a: 2, b: 'y' }];
  encodeBatch(rows);
  const second = encodeBatch(rows); // same shapes again: must not rely on earlier definitions
  const fresh = new Unpackr({ useRecords: true, moreTypes: true, mapsAsObjects: false });
  assert.deepStrictEqual(fresh.unpack(second), rows);
});

test('encoded buffers are independent copies', () => {
  const first = encodeBatch([{ a: 1 }, 'first']);
  const snapshot = Uint8Array.from(first);
  for (let i = 0; i < 100; i++) encodeBatch([{ a: i, b: 'overwrite'.repeat(i) }]);
  assert.deepStrictEqual(first, snapshot);
  assert.deepStrictEqual(decodeBatch(first), [{ a: 1 }, 'first']);
  assert.equal(first.byteOffset, 0);
  assert.equal(first.buffer.byteLength, first.byteLength, 'owns its ArrayBuffer (transferable)');
});

test('decodeBatch rejects non-batches', () => {
  assert.throws(() => decodeBatch(encodeValue(5)), /batch/);
});

test('property: JSON-ish values plus undefined round trip', () => {
  const { value } = fc.letrec((tie) => ({
    value: fc.oneof(
      { depthSize: 'small' },
      fc.constant(undefined), fc.constant(null), fc.boolean(), fc.double().filter((d) => !Object.is(d, -0)), fc.integer(),
      fc.string(), fc.bigInt(), fc.array(tie('value'), { maxLength: 5 }),
      fc.dictionary(fc.string({ maxLength: 5 }).filter((k) => k !== '__proto__'), tie('value'), { maxKeys: 5, noNullPrototype: true }),
    ),
  }));
  fc.assert(fc.property(fc.array(value, { maxLength: 20 }), (rows) => {
    assert.deepStrictEqual(decodeBatch(encodeBatch(rows)), rows);
  }), { numRuns: 300 });
});
