import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import fc from 'fast-check';
import { CorruptBlockError, SpillWriter, readFrames, tempPath } from '../../src/exec/spill-file.js';
import { SluiceError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-spill-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function bytes(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed) & 0xff;
  return out;
}

function writeFile(chunks: Uint8Array[]): { path: string; bytes: number } {
  const w = new SpillWriter(tempPath(dir, 'test'));
  for (const c of chunks) w.append(c);
  return w.close();
}

test('frames round trip, including empty and large ones', () => {
  const chunks = [bytes(0, 1), bytes(10, 2), bytes(100_000, 3), bytes(5, 4), bytes(40_000, 5), bytes(300_000, 6)];
  const { path, bytes: size } = writeFile(chunks);
  assert.equal(size, statSync(path).size);
  assert.equal(size, chunks.reduce((s, c) => s + c.length + 8, 0));
  assert.deepEqual([...readFrames(path)], chunks);
  rmSync(path);
});

test('random frames round trip (property)', () => {
  fc.assert(
    fc.property(fc.array(fc.uint8Array({ maxLength: 3000, size: 'max' }), { maxLength: 60, size: 'max' }), (chunks) => {
      const { path } = writeFile(chunks);
      try {
        assert.deepEqual([...readFrames(path)], chunks);
      } finally {
        rmSync(path);
      }
    }),
    { numRuns: 50 },
  );
});

test('a sub-range [offset, offset+length) reads only its frames', () => {
  const w = new SpillWriter(tempPath(dir, 'range'));
  w.append(bytes(7, 1));
  const start = w.bytes;
  w.append(bytes(70_000, 2));
  w.append(bytes(3, 3));
  const end = w.bytes;
  w.append(bytes(9, 4));
  const { path } = w.close();
  assert.deepEqual([...readFrames(path, start, end - start)], [bytes(70_000, 2), bytes(3, 3)]);
  assert.deepEqual([...readFrames(path, end)], [bytes(9, 4)]);
  rmSync(path);
});

test('a flipped byte is a CorruptBlockError naming the file and frame offset', () => {
  const { path } = writeFile([bytes(100, 1), bytes(100, 2)]);
  const raw = readFileSync(path);
  raw[108 + 8 + 50] ^= 0xff; // inside the second frame's payload
  writeFileSync(path, raw);
  const it = readFrames(path);
  assert.deepEqual(it.next().value, bytes(100, 1));
  assert.throws(
    () => it.next(),
    (e: unknown) => e instanceof CorruptBlockError && e instanceof SluiceError && e.offset === 108 && e.message.includes(path) && e.message.includes('108'),
  );
  rmSync(path);
});

test('a truncated file is a CorruptBlockError', () => {
  const { path } = writeFile([bytes(100, 1), bytes(100, 2)]);
  truncateSync(path, 150);
  assert.throws(() => [...readFrames(path)], (e: unknown) => e instanceof CorruptBlockError && e.offset === 108);
  truncateSync(path, 111); // mid-header
  assert.throws(() => [...readFrames(path)], CorruptBlockError);
  assert.throws(() => [...readFrames(path, 0, 500)], CorruptBlockError); // region past the end of the file
  rmSync(path);
});

test('tempPath names are unique; closing twice is an error; abort deletes', () => {
  const names = new Set(Array.from({ length: 1000 }, () => tempPath(dir, 'x')));
  assert.equal(names.size, 1000);
  const w = new SpillWriter(tempPath(dir, 'abort'));
  w.append(bytes(10, 1));
  w.abort();
  const w2 = new SpillWriter(tempPath(dir, 'twice'));
  const { path } = w2.close();
  assert.throws(() => w2.close(), SluiceError);
  assert.deepEqual([...readFrames(path)], []);
  rmSync(path);
  assert.deepEqual(readdirSync(dir), []);
});
