import assert from 'node:assert/strict';
import { test } from 'node:test';
import { unifyStringVectors } from '../../../src/frame/batch/dict-unify.js';
import { Utf8DictBuilder } from '../../../src/frame/batch/utf8-dict-builder.js';
import { stringVector } from '../../../src/frame/batch/utf8-dict.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnVector } from '../../../src/frame/batch/vector.js';
import { Rng } from '../../frame/oracle/random.js';

const enc = new TextEncoder();

/** A string vector over a byte dictionary of its own (as a Parquet row group gives it), nulls as given. */
function ownDict(values: (string | null)[]): ColumnVector {
  const b = new Utf8DictBuilder();
  const codes = new Int32Array(values.length);
  const validity = new Uint8Array(Math.ceil(values.length / 8));
  let nulls = 0;
  values.forEach((s, i) => {
    if (s === null) {
      nulls++;
      codes[i] = 12345; // a null row's code means nothing
      return;
    }
    const bytes = enc.encode(s);
    codes[i] = b.code(bytes, 0, bytes.length);
    validity[i >> 3]! |= 1 << (i & 7);
  });
  return stringVector(values.length, codes, b.finish(), nulls ? validity : null, nulls);
}

const rows = (v: ColumnVector) => Array.from({ length: v.length }, (_, i) => getValue(v, i));

for (const seed of [1, 2, 3]) {
  test(`vectors with dictionaries of their own share one after unifying, values and nulls unchanged (seed ${seed})`, () => {
    const rng = new Rng(seed);
    const parts = Array.from({ length: 2 + rng.below(6) }, () =>
      Array.from({ length: 1 + rng.below(300) }, () => (rng.below(10) === 0 ? null : `k${rng.below(120)}-ü`)),
    );
    const vs = parts.map(ownDict);
    const out = unifyStringVectors(vs);
    assert.equal(out.length, vs.length);
    out.forEach((v, k) => assert.deepEqual(rows(v), parts[k], `vector ${k}`));
    assert.ok(out.every((v) => v.utf8 === out[0]!.utf8), 'one dictionary handle');
    const distinct = new Set(parts.flat().filter((x) => x !== null));
    assert.equal(out[0]!.utf8!.length, distinct.size, 'each string once');
    assert.ok(out[0]!.utf8!.distinct, 'marked distinct');
  });
}

test('past the probe, dictionaries of unique ids are appended (one handle, not distinct), values unchanged', () => {
  const parts = Array.from({ length: 5 }, (_, k) => Array.from({ length: 1000 }, (_, i) => `id${k * 1000 + i}`));
  parts[4]![7] = 'id3'; // a repeat of an entry merged before appending began
  const out = unifyStringVectors(parts.map(ownDict), 1500);
  out.forEach((v, k) => assert.deepEqual(rows(v), parts[k]));
  assert.ok(out.every((v) => v.utf8 === out[0]!.utf8));
  assert.equal(out[0]!.utf8!.distinct, false);
  // The first three dictionaries were merged (the third, all new with 2000 entries held, stops merging), the last two appended whole: the repeated id3 is an entry twice.
  assert.equal(out[0]!.utf8!.length, 5000);
});

test('one dictionary (or none) is left as it is', () => {
  const v = ownDict(['a', 'b', null, 'a']);
  const [w] = unifyStringVectors([v]);
  assert.equal(w, v);
  assert.deepEqual(unifyStringVectors([]), []);
});

/** The entries of a byte dictionary, as strings. */
const entries = (v: ColumnVector) => Array.from({ length: v.utf8!.length }, (_, i) => v.utf8!.entry(i));

for (const seed of [4, 5]) {
  test(`partitions holding the same strings in other orders get byte-identical dictionaries, in byte order (seed ${seed})`, () => {
    const rng = new Rng(seed);
    const pool = Array.from({ length: 200 }, (_, i) => `${String.fromCharCode(97 + rng.below(26))}${i}${i % 7 === 0 ? 'é' : ''}`);
    pool.push('', 'a', 'ab', 'aé', 'a\u0000'); // prefixes, an empty string and non-ASCII bytes
    const partition = () => {
      const order = pool.slice().sort(() => rng.below(3) - 1);
      const values = [...order, ...Array.from({ length: 300 }, () => pool[rng.below(pool.length)]!)];
      const parts: string[][] = [];
      for (let a = 0; a < values.length; ) {
        const b = a + 1 + rng.below(120);
        parts.push(values.slice(a, b));
        a = b;
      }
      return parts;
    };
    const p1 = partition();
    const p2 = partition();
    const u1 = unifyStringVectors(p1.map(ownDict));
    const u2 = unifyStringVectors(p2.map(ownDict));
    u1.forEach((v, k) => assert.deepEqual(rows(v), p1[k]));
    u2.forEach((v, k) => assert.deepEqual(rows(v), p2[k]));
    const d1 = u1[0]!.utf8!.source.data[0]!;
    const d2 = u2[0]!.utf8!.source.data[0]!;
    assert.deepEqual(d1.valueOffsets, d2.valueOffsets);
    assert.deepEqual(d1.values, d2.values);
    const byBytes = entries(u1[0]!).slice().sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
    assert.deepEqual(entries(u1[0]!), byBytes);
    assert.ok(u1[0]!.utf8!.distinct);
    // Above the limit, the merged dictionary keeps the order of first appearance.
    const kept = unifyStringVectors(p1.map(ownDict), undefined, 10);
    assert.deepEqual(entries(kept[0]!), [...new Set(p1.flat())]);
    kept.forEach((v, k) => assert.deepEqual(rows(v), p1[k]));
  });
}
