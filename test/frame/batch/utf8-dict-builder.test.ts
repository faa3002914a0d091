import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Utf8DictBuilder } from '../../../src/frame/batch/utf8-dict-builder.js';
import { Rng } from '../oracle/random.js';

const enc = new TextEncoder();

test('equal byte strings get one code, others new ones in order of first appearance, through many table growths', () => {
  for (const seed of [1, 2]) {
    const rng = new Rng(seed);
    // 40,000 values over 5,000 strings of 0–30 bytes, some prefixes of others, some non-ASCII.
    const pool = Array.from({ length: 5000 }, (_, i) => (i % 9 === 0 ? `é${i}` : 'x'.repeat(rng.below(20)) + String(i)).slice(0, i % 13 === 0 ? 2 : 30));
    pool.push('');
    const b = new Utf8DictBuilder();
    const codeOf = new Map<string, number>();
    // Values come from one shared buffer at varying offsets, as a Parquet page gives them.
    const values = Array.from({ length: 40_000 }, () => pool[rng.below(pool.length)]!);
    const parts = values.map((v) => enc.encode(v));
    const page = new Uint8Array(parts.reduce((n, p) => n + p.length + 3, 0));
    let at = 0;
    values.forEach((v, i) => {
      at += 3; // padding: the value does not start at offset 0
      page.set(parts[i]!, at);
      const c = b.code(page, at, at + parts[i]!.length);
      at += parts[i]!.length;
      const want = codeOf.get(v) ?? codeOf.size;
      codeOf.set(v, want);
      assert.equal(c, want, `value ${i} (${JSON.stringify(v)})`);
    });
    assert.equal(b.size, codeOf.size);
    const dict = b.finish();
    assert.ok(dict.distinct);
    assert.deepEqual(dict.strings(), [...codeOf.keys()]);
  }
});
