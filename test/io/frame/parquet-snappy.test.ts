import assert from 'node:assert/strict';
import { test } from 'node:test';
import { snappyUncompress } from 'hyparquet';
import { snappyCompress } from 'hysnappy';
import { snappyPage } from '../../../src/io/frame/parquet-snappy.js';

/** Bytes that compress (runs, repeats) and bytes that do not (noise), from a seed. */
function sample(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0;
    out[i] = i % 1000 < 500 ? (s >>> 24) : i % 1000 < 800 ? 65 + (i % 7) : out[i - 300]!;
  }
  return out;
}

test('snappyPage decodes what a Snappy encoder wrote, as hyparquet does', () => {
  for (const n of [0, 1, 59, 60, 61, 4096, 70_000, 1_500_000]) {
    const raw = sample(n, n + 1);
    const packed = snappyCompress(raw);
    const got = snappyPage(packed, n);
    assert.deepEqual(Buffer.from(got), Buffer.from(raw), `n = ${n}`);
    const js = new Uint8Array(n);
    snappyUncompress(packed, js);
    assert.deepEqual(Buffer.from(got), Buffer.from(js));
  }
});

test('snappyPage rejects a page whose declared length is not its header length, and a truncated page', () => {
  const raw = sample(10_000, 3);
  const packed = snappyCompress(raw);
  assert.throws(() => snappyPage(packed, 9_999), /declares 10000 bytes, its page header 9999/);
  assert.throws(() => snappyPage(packed.subarray(0, packed.length >> 1), 10_000));
  // The decoder still works after the failures.
  assert.deepEqual(Buffer.from(snappyPage(packed, 10_000)), Buffer.from(raw));
});
