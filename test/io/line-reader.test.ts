import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { lineNumberAt, readLines, splitFirstLineNumber } from '../../src/io/line-reader.js';
import { planTextSplits, type TextSplit } from '../../src/io/text-splits.js';
import { InputError } from '../../src/util/errors.js';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-line-reader-'));
test.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
let fileNo = 0;
function write(content: string | Buffer, ext = '.txt'): string {
  const p = path.join(tmp, `f${fileNo++}${ext}`);
  fs.writeFileSync(p, content);
  return p;
}

/** The lines a text file holds, as the reader must return them. */
function expectedLines(text: string): string[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text === '') return [];
  const lines = text.split('\n');
  if (text.endsWith('\n')) lines.pop();
  return lines.map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

function readAll(splits: TextSplit[], batchSize = 4096, chunkSize?: number): string[] {
  const out: string[] = [];
  for (const s of splits) {
    for (const batch of readLines(s, batchSize, { chunkSize })) {
      assert.ok(batch.length > 0 && batch.length <= batchSize, 'batch size within bounds');
      out.push(...batch);
    }
  }
  return out;
}

function splitsAt(file: string, cuts: number[]): TextSplit[] {
  const size = fs.statSync(file).size;
  const points = [...new Set([0, ...cuts.map((c) => c % (size + 1)), size])].sort((a, b) => a - b);
  const out: TextSplit[] = [];
  for (let i = 0; i + 1 < points.length; i++) out.push({ path: file, start: points[i]!, end: points[i + 1]!, gzip: false, fileSize: size });
  if (out.length === 0) out.push({ path: file, start: 0, end: 0, gzip: false, fileSize: 0 });
  return out;
}

const piece = fc.constantFrom('a', 'bc', 'word ', 'é', '日本', '😀', '\n', '\n', '\r\n', '\r', ' ', '{"k":1}', '\uFEFF');
const content = fc.array(piece, { maxLength: 80 }).map((xs) => xs.join(''));

test('every line is read by exactly one split, in order (random split points and chunk sizes)', () => {
  fc.assert(
    fc.property(content, fc.array(fc.nat(400), { maxLength: 12 }), fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 7 }), (text, cuts, chunk, batch) => {
      const file = write(text);
      assert.deepEqual(readAll(splitsAt(file, cuts), batch, chunk), expectedLines(text));
      fs.rmSync(file);
    }),
    { numRuns: 400 },
  );
});

test('planned splits cover every line exactly once (random minPartitions)', () => {
  fc.assert(
    fc.property(content, fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 64 }), (text, minPartitions, chunk) => {
      const file = write(text);
      const splits = planTextSplits(file, { minPartitions });
      assert.deepEqual(readAll(splits, 3, chunk), expectedLines(text));
      fs.rmSync(file);
    }),
    { numRuns: 300 },
  );
});

test('long lines larger than the chunk, default chunk size, big batches', () => {
  const long = 'x'.repeat(5000) + 'é'.repeat(3000);
  const text = `${long}\nshort\n\n${long}\r\nend`;
  const file = write(text);
  for (const chunk of [1, 7, 100, undefined]) {
    assert.deepEqual(readAll(splitsAt(file, [1, 4999, 5001, 13000, 13005]), 2, chunk), expectedLines(text));
  }
});

test('many lines come in batches of batchSize', () => {
  const lines = Array.from({ length: 10_001 }, (_, i) => `line ${i}`);
  const file = write(lines.join('\n') + '\n');
  const sizes = [...readLines(planTextSplits(file)[0]!, 4096)].map((b) => b.length);
  assert.deepEqual(sizes, [4096, 4096, 1809]);
  assert.deepEqual(readAll(planTextSplits(file, { minPartitions: 7 }), 1000, 1000), lines);
});

test('gzip files read the same as plain ones, including multi-member gzip', () => {
  fc.assert(
    fc.property(content, content, fc.integer({ min: 1, max: 50 }), (a, b, chunk) => {
      const file = write(zlib.gzipSync(a + b), '.gz');
      const [split] = planTextSplits(file, { minPartitions: 5 });
      assert.equal(split!.gzip, true);
      assert.deepEqual(readAll([split!], 4, chunk), expectedLines(a + b));
      const multi = write(Buffer.concat([zlib.gzipSync(a), zlib.gzipSync(b)]), '.gz');
      assert.deepEqual(readAll(planTextSplits(multi), 4, chunk), expectedLines(a + b));
    }),
    { numRuns: 100 },
  );
});

test('a large gzip file streams with bounded chunks', () => {
  const lines = Array.from({ length: 50_000 }, (_, i) => `record number ${i} ${'z'.repeat(i % 50)}`);
  const file = write(zlib.gzipSync(lines.join('\n')), '.gz');
  assert.deepEqual(readAll(planTextSplits(file)), lines);
});

test('gzip files larger than the read chunk (incompressible data, multi-member)', () => {
  const lines = Array.from({ length: 20_000 }, (_, i) => randomBytes(i % 40).toString('base64'));
  const text = lines.join('\n');
  const half = Math.floor(text.length / 2);
  const file = write(Buffer.concat([zlib.gzipSync(text.slice(0, half)), zlib.gzipSync(text.slice(half))]), '.gz');
  assert.ok(fs.statSync(file).size > 4 * 64 * 1024);
  assert.deepEqual(readAll(planTextSplits(file), 4096, 1000), lines);
});

test('corrupt or truncated gzip fails with an InputError naming the file', () => {
  const bad = write(Buffer.from('this is not gzip data at all\n'), '.gz');
  assert.throws(() => readAll(planTextSplits(bad)), (e: unknown) => e instanceof InputError && e.message.includes(bad) && e.file === bad);
  const full = zlib.gzipSync(Array.from({ length: 1000 }, (_, i) => `line ${i}`).join('\n'));
  const truncated = write(full.subarray(0, Math.floor(full.length / 2)), '.gz');
  assert.throws(() => readAll(planTextSplits(truncated)), (e: unknown) => e instanceof InputError && e.message.includes(truncated));
});

test('lineNumberAt and splitFirstLineNumber give 1-based line numbers', () => {
  const file = write('a\nbb\n\nccc\n');
  assert.equal(lineNumberAt(file, 0), 1);
  assert.equal(lineNumberAt(file, 1), 1);
  assert.equal(lineNumberAt(file, 2), 2);
  assert.equal(lineNumberAt(file, 5), 3);
  assert.equal(lineNumberAt(file, 6), 4);
  const split = (start: number): TextSplit => ({ path: file, start, end: 10, gzip: false, fileSize: 10 });
  for (const start of [1, 2, 3, 5, 6, 7]) {
    const first = [...readLines(split(start))].flat()[0];
    const all = expectedLines('a\nbb\n\nccc\n');
    assert.equal(all[splitFirstLineNumber(split(start)) - 1], first, `start ${start}`);
  }
});

test('a missing file is an InputError naming it', () => {
  const missing = path.join(tmp, 'nope.txt');
  assert.throws(() => [...readLines({ path: missing, start: 0, end: 10, gzip: false, fileSize: 10 })], (e: unknown) => e instanceof InputError && e.message.includes(missing));
});
