import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encodeFrame, FrameDecoder, FrameError } from '../../../src/backend/net/frames.js';
import { seededRandom } from '../../../src/util/random.js';

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

function randomBodies(rand: () => number, n: number): Uint8Array[] {
  return Array.from({ length: n }, () => {
    const len = rand() < 0.1 ? 0 : Math.floor(rand() * (rand() < 0.2 ? 5000 : 40));
    return Uint8Array.from({ length: len }, () => Math.floor(rand() * 256));
  });
}

test('encodeFrame prefixes the big-endian body length and does not copy the body', () => {
  const a = new Uint8Array([1, 2, 3]);
  const b = new Uint8Array([4]);
  const parts = encodeFrame([a, b]);
  assert.deepEqual([...parts[0]!], [0, 0, 0, 4]);
  assert.equal(parts[1], a);
  assert.equal(parts[2], b);
});

test('FrameDecoder returns the same frames whatever the chunking (split and coalesced)', () => {
  const rand = seededRandom(7);
  for (let trial = 0; trial < 200; trial++) {
    const bodies = randomBodies(rand, 1 + Math.floor(rand() * 20));
    const stream = concat(bodies.flatMap((b) => encodeFrame([b.subarray(0, b.length >> 1), b.subarray(b.length >> 1)])));
    const decoder = new FrameDecoder(10_000);
    const got: Uint8Array[] = [];
    let pos = 0;
    while (pos < stream.length) {
      // chunk sizes from 1 byte (headers split) to many frames at once
      const size = rand() < 0.3 ? 1 + Math.floor(rand() * 3) : 1 + Math.floor(rand() * 3000);
      got.push(...decoder.push(stream.subarray(pos, pos + size)));
      pos += size;
    }
    assert.equal(decoder.pendingBytes, 0);
    assert.deepEqual(got.map((g) => [...g]), bodies.map((b) => [...b]), `trial ${trial}`);
  }
});

test('FrameDecoder refuses a frame over the limit before buffering it, and stays failed', () => {
  const decoder = new FrameDecoder(100);
  assert.equal(decoder.push(concat(encodeFrame([new Uint8Array(100)])))[0]!.length, 100);
  assert.throws(() => decoder.push(new Uint8Array([0, 0, 0, 101])), (e: unknown) => e instanceof FrameError && /101 bytes exceeds the limit of 100/.test(e.message));
  assert.throws(() => decoder.push(new Uint8Array([0, 0, 0, 1, 9])), FrameError);
});

test('FrameDecoder on garbage: huge lengths fail at once, never allocating them', () => {
  const rand = seededRandom(11);
  let failures = 0;
  for (let i = 0; i < 500; i++) {
    const decoder = new FrameDecoder(1 << 16);
    const garbage = Uint8Array.from({ length: 64 }, () => Math.floor(rand() * 256));
    try {
      decoder.push(garbage);
      // Whatever was accepted is bounded by the limit.
      assert.ok(decoder.pendingBytes <= (1 << 16) + 4);
    } catch (e) {
      assert.ok(e instanceof FrameError);
      failures++;
    }
  }
  assert.ok(failures > 400, `random 4-byte lengths nearly always exceed 64 KiB (${failures} of 500)`);
});

test('FrameDecoder rejects a bad limit', () => {
  assert.throws(() => new FrameDecoder(-1), RangeError);
  assert.throws(() => new FrameDecoder(2 ** 33), RangeError);
});
