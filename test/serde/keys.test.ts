import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareKeys, estimateSize, hashKey, keyId } from '../../src/serde/keys.js';

/** Reference equality by value (-0 equals 0, NaN equals NaN, objects by own keys). */
function deepEq(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && typeof b === 'number') return a === b || (Number.isNaN(a) && Number.isNaN(b));
  if (a instanceof Date || b instanceof Date) return a instanceof Date && b instanceof Date && deepEq(a.getTime(), b.getTime());
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEq(x, b[i]));
  }
  if (typeof a === 'object' && a !== null && typeof b === 'object' && b !== null) {
    const ka = Object.keys(a).sort(), kb = Object.keys(b).sort();
    return deepEq(ka, kb) && ka.every((k) => deepEq((a as any)[k], (b as any)[k]));
  }
  return a === b;
}

const leaf = fc.oneof(
  fc.constant(undefined), fc.constant(null), fc.boolean(), fc.integer({ min: -3, max: 3 }), fc.constantFrom(0, -0, NaN, 1.5, Infinity),
  fc.constantFrom('', 'a', 'b', '\u0000', '\u0000s', 'ab'), fc.bigInt({ min: -2n, max: 2n }), fc.constantFrom(new Date(0), new Date(1)),
);
const { key } = fc.letrec((tie) => ({
  key: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('key'), { maxLength: 3 }),
    fc.dictionary(fc.constantFrom('a', 'b', 'c'), tie('key'), { maxKeys: 3, noNullPrototype: true })),
}));

test('keyId: fast paths return the value itself', () => {
  assert.equal(keyId('word'), 'word');
  assert.equal(keyId(42), 42);
  assert.ok(Object.is(keyId(-0), 0));
  assert.equal(keyId(true), true);
  assert.equal(keyId(null), null);
  assert.equal(keyId(undefined), undefined);
  assert.equal(keyId(5n), 5n);
  assert.notEqual(keyId('\u0000x'), '\u0000x');
});

test('keyId: composites by value, no collisions with strings or key-order accidents', () => {
  assert.equal(keyId([1, 'a']), keyId([1, 'a']));
  assert.equal(keyId({ a: 1, b: 2 }), keyId({ b: 2, a: 1 }));
  assert.notEqual(keyId([1, 2]), keyId('[1,2]'));
  assert.notEqual(keyId(['a,b']), keyId(['a', 'b']));
  assert.notEqual(keyId([1]), keyId(['1']));
  assert.notEqual(keyId(5n), keyId(5));
  assert.notEqual(keyId({ a: undefined }), keyId({}));
  assert.equal(keyId(new Date(5)), keyId(new Date(5)));
  assert.notEqual(keyId(new Date(5)), keyId([5]));
  // A real string never equals a composite id.
  const id = keyId([1]) as string;
  assert.notEqual(keyId(id), id);
  assert.throws(() => keyId(() => 1), /function/);
  assert.throws(() => keyId(new Map()), /Map/);
});

test('property: keyId equality <=> compareKeys === 0 <=> deep equality; hashes agree', () => {
  fc.assert(fc.property(key, key, (a, b) => {
    const eq = deepEq(a, b);
    const sameId = Object.is(keyId(a), keyId(b)) || keyId(a) === keyId(b);
    assert.equal(sameId, eq);
    assert.equal(compareKeys(a, b) === 0, eq);
    assert.equal(Math.sign(compareKeys(a, b)), -Math.sign(compareKeys(b, a)) || 0);
    if (eq) assert.equal(hashKey(a), hashKey(b));
  }), { numRuns: 3000 });
  // Equal values built independently (structuredClone) hash and compare equal.
  fc.assert(fc.property(key, (a) => {
    const b = structuredClone(a);
    assert.equal(compareKeys(a, b), 0);
    assert.equal(hashKey(a), hashKey(b));
  }), { numRuns: 500 });
});

test('property: compareKeys is a total order (transitive)', () => {
  fc.assert(fc.property(fc.array(key, { maxLength: 12 }), (xs) => {
    // Not Array.prototype.sort: it moves undefined to the end without asking the comparator.
    const sorted: unknown[] = [];
    for (const x of xs) {
      let i = sorted.length;
      while (i > 0 && compareKeys(sorted[i - 1], x) > 0) i--;
      sorted.splice(i, 0, x);
    }
    for (let i = 1; i < sorted.length; i++) assert.ok(compareKeys(sorted[i - 1], sorted[i]) <= 0);
    for (let i = 0; i < sorted.length; i++) for (let j = i + 1; j < sorted.length; j++) assert.ok(compareKeys(sorted[i], sorted[j]) <= 0);
  }), { numRuns: 500 });
});

test('compareKeys: documented order', () => {
  const ordered = [undefined, null, false, true, -Infinity, -1, 0, 2.5, NaN, -1n, 3n, '', 'B', 'a', 'ab', new Date(0), new Date(9), [], [0], [0, 0], [1], {}, { a: 1 }, { a: 2 }, { b: 0 }];
  for (let i = 0; i < ordered.length; i++) {
    for (let j = 0; j < ordered.length; j++) {
      assert.equal(Math.sign(compareKeys(ordered[i], ordered[j])), Math.sign(i - j), `${i} vs ${j}`);
    }
  }
  assert.equal(compareKeys(-0, 0), 0);
  assert.equal(compareKeys(NaN, NaN), 0);
});

test('hashKey: non-negative 32-bit, stable across runs (fixed values)', () => {
  for (const k of ['', 'a', 'word', 0, 1, -1, 2 ** 40, 1.5, NaN, true, null, undefined, 7n, [1, 'a'], { a: 1 }, new Date(3)]) {
    const h = hashKey(k);
    assert.ok(Number.isInteger(h) && h >= 0 && h < 2 ** 32, String(k));
  }
  assert.equal(hashKey(-0), hashKey(0));
  // Pinned values: a change breaks compatibility between workers of different versions.
  assert.deepEqual(['word', 42, [1, 'a']].map(hashKey), PINNED);
});
const PINNED = [3089789026, 142593372, 1132644118];

test('hashKey distributes ints and words evenly over 7 partitions', () => {
  const words: string[] = [];
  for (let i = 0; i < 10000; i++) words.push('w' + i.toString(36) + (i % 3 ? 'ing' : ''));
  for (const keys of [Array.from({ length: 10000 }, (_, i) => i), words, Array.from({ length: 10000 }, (_, i) => [i, 'x'])]) {
    const counts = new Array<number>(7).fill(0);
    for (const k of keys) counts[hashKey(k) % 7]!++;
    const mean = keys.length / 7;
    for (const c of counts) assert.ok(Math.abs(c - mean) < 0.3 * mean, `counts ${counts}`);
  }
  // Different keys rarely collide.
  assert.equal(new Set(words.map(hashKey)).size > 9990, true);
});

test('estimateSize: rough and bounded', () => {
  assert.equal(estimateSize(1), 8);
  assert.equal(estimateSize('abcd'), 24);
  assert.ok(estimateSize([1, 2, 3]) >= 3 * 8);
  assert.ok(estimateSize({ a: 'x'.repeat(100) }) > 200);
  const big = Array.from({ length: 100000 }, (_, i) => ({ id: i, name: 'n' + i }));
  const s = estimateSize(big);
  assert.ok(s > 100000 * 40 && s < 100000 * 400, String(s));
  let deep: unknown = 1;
  for (let i = 0; i < 1000; i++) deep = [deep];
  assert.ok(estimateSize(deep) > 0);
  assert.ok(estimateSize(new Map([[1, 'a']])) > 0 && estimateSize(new Set([1])) > 0 && estimateSize(new Uint8Array(100)) >= 100);
});
