import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import fc from 'fast-check';
import { readBlockPartition } from '../../src/exec/exchange/read-chunks.js';
import { BlockWriter, blockRegion, freeBlock, MIN_REUSE_BYTES, offerBlockBuffers, reusableBlockBytes, reuseCap, sizeClass, type LocalBlock } from '../../src/exec/block-store.js';
import { MemoryBudget } from '../../src/exec/memory-budget.js';
import { CorruptBlockError, type Payload } from '../../src/exec/spill-file.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-block-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function chunk(n: number, seed: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 7 + seed * 13) & 0xff;
  return out;
}

/** Writes (partition, chunk) pairs and returns the ref plus the expected chunks per partition. */
function write(np: number, adds: Array<[number, Payload]>, budget: MemoryBudget) {
  const w = new BlockWriter({ numPartitions: np, budget, spillDir: dir });
  const expected: Uint8Array[][] = Array.from({ length: np }, () => []);
  for (const [p, c] of adds) {
    w.add(p, c);
    expected[p]!.push(c instanceof Uint8Array ? c : new Uint8Array(Buffer.concat(c)));
  }
  const ref = w.finish();
  return { ref, expected, writer: w };
}

function readAll(ref: LocalBlock): Uint8Array[][] {
  return Array.from({ length: ref.numPartitions }, (_, p) => [...readBlockPartition(ref, p)].map((c) => new Uint8Array(c)));
}

test('memory block: round trip across partitions; reservation held until freeBlock', () => {
  const budget = MemoryBudget.create(1 << 24);
  const adds: Array<[number, Uint8Array]> = Array.from({ length: 50 }, (_, i) => [(i * 3) % 5, chunk(i * 37, i)]);
  const { ref, expected, writer } = write(5, adds, budget);
  assert.equal(ref.kind, 'memory');
  assert.equal(writer.spilledBytes, 0);
  assert.ok(ref.kind === 'memory' && ref.buffer instanceof SharedArrayBuffer);
  assert.deepEqual(readAll(ref), expected);
  assert.equal(budget.used(), ref.bytes);
  assert.deepEqual(ref.parts, [0, 1, 2, 3, 4]);
  assert.equal(ref.offsets.length, 6);
  freeBlock(ref, budget);
  assert.equal(budget.used(), 0);
});

test('a memory block ref posted to another port is readable without copying', () => {
  const budget = MemoryBudget.create(1 << 20);
  const { ref, expected } = write(3, [[0, chunk(10, 1)], [2, chunk(20, 2)], [2, chunk(0, 3)]], budget);
  const { port1, port2 } = new MessageChannel();
  port1.postMessage(ref);
  const got = receiveMessageOnPort(port2)!.message as LocalBlock;
  port1.close();
  assert.deepEqual(readAll(got), expected);
  assert.ok(got.kind === 'memory' && ref.kind === 'memory');
  new Uint8Array(got.buffer)[0] = 99; // shared: visible through the original
  assert.equal(new Uint8Array(ref.buffer)[0], 99);
  freeBlock(ref, budget);
});

test('forced spill: file block round trips, memory released, freeBlock deletes the file', () => {
  const budget = MemoryBudget.create(2000);
  const adds: Array<[number, Uint8Array]> = Array.from({ length: 200 }, (_, i) => [(i * 7) % 4, chunk(50 + (i % 300), i)]);
  const { ref, expected, writer } = write(4, adds, budget);
  assert.equal(ref.kind, 'file');
  assert.ok(writer.spilledBytes > 0);
  assert.equal(budget.used(), 0);
  assert.equal(writer.memoryBytes, 0);
  assert.deepEqual(readAll(ref), expected);
  assert.equal(readdirSync(dir).length, 1, 'only the block file remains (spill file deleted)');
  freeBlock(ref, budget);
  assert.ok(ref.kind === 'file' && !existsSync(ref.path));
  assert.deepEqual(readdirSync(dir), []);
});

test('zero budget with partition-ordered adds keeps the spill file as the block (no rewrite)', () => {
  const budget = MemoryBudget.create(0);
  const adds: Array<[number, Uint8Array]> = [[0, chunk(5, 1)], [0, chunk(6, 2)], [2, chunk(7, 3)], [3, chunk(0, 4)]];
  const { ref, expected } = write(4, adds, budget);
  assert.equal(ref.kind, 'file');
  assert.ok(ref.kind === 'file' && ref.path.includes('block-spill'));
  assert.deepEqual(readAll(ref), expected);
  freeBlock(ref);
  assert.deepEqual(readdirSync(dir), []);
});

/** `c` cut at `cuts` (offsets mod its length): a chunk in pieces, as encodeIpcPieces gives. */
function pieces(c: Uint8Array, cuts: number[]): Uint8Array[] {
  const at = [0, ...cuts.map((x) => x % (c.length + 1)).sort((a, b) => a - b), c.length];
  return at.slice(1).map((end, i) => c.subarray(at[i], end));
}

test('random blocks round trip under random budgets, chunks whole or in pieces (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 1, max: 8 }),
      fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 2000 }), fc.option(fc.array(fc.nat(), { maxLength: 4 }))), { maxLength: 120, size: 'max' }),
      fc.constantFrom(0, 500, 5000, 50_000, 1 << 30),
      (np, spec, limit) => {
        const budget = MemoryBudget.create(limit);
        const adds = spec.map(([p, n, cuts], i): [number, Payload] => [p % np, cuts ? pieces(chunk(n, i), cuts) : chunk(n, i)]);
        const { ref, expected } = write(np, adds, budget);
        assert.deepEqual(readAll(ref), expected);
        assert.equal(budget.used(), ref.kind === 'memory' ? ref.bytes : 0);
        freeBlock(ref, budget);
        assert.equal(budget.used(), 0);
        assert.deepEqual(readdirSync(dir), []);
      },
    ),
    { numRuns: 60 },
  );
});

test('a corrupt byte in a file block is a CorruptBlockError; other partitions still read', () => {
  const budget = MemoryBudget.create(0);
  const { ref, expected } = write(3, [[1, chunk(100, 1)], [0, chunk(100, 2)], [2, chunk(100, 3)], [1, chunk(100, 4)]], budget);
  assert.ok(ref.kind === 'file');
  const raw = readFileSync(ref.path);
  const at = ref.offsets[1]! + 8 + 100 + 8 + 3; // second frame of partition 1
  raw[at] ^= 0x55;
  writeFileSync(ref.path, raw);
  const it = readBlockPartition(ref, 1);
  assert.deepEqual(new Uint8Array(it.next().value as Uint8Array), expected[1]![0]);
  assert.throws(
    () => it.next(),
    (e: unknown) => e instanceof CorruptBlockError && e.message.includes(ref.path) && e.offset === ref.offsets[1]! + 108,
  );
  assert.deepEqual([...readBlockPartition(ref, 0)], expected[0]);
  assert.deepEqual([...readBlockPartition(ref, 2)], expected[2]);
  freeBlock(ref);
});

test('a corrupt frame length in a memory block is a CorruptBlockError (payloads are checksummed on disk only)', () => {
  const budget = MemoryBudget.create(1 << 20);
  const { ref } = write(2, [[0, chunk(10, 1)], [1, chunk(10, 2)]], budget);
  assert.ok(ref.kind === 'memory');
  new Uint8Array(ref.buffer)[ref.offsets[1]! + 2] ^= 1;
  assert.deepEqual([...readBlockPartition(ref, 0)].length, 1);
  assert.throws(() => [...readBlockPartition(ref, 1)], CorruptBlockError);
  freeBlock(ref, budget);
  assert.equal(budget.used(), 0);
});

test('abort releases memory and deletes the spill file; bad partitions are errors', () => {
  const budget = MemoryBudget.create(300);
  const w = new BlockWriter({ numPartitions: 2, budget, spillDir: dir });
  for (let i = 0; i < 20; i++) w.add(i % 2, chunk(100, i));
  assert.ok(w.spilledBytes > 0);
  assert.throws(() => w.add(2, chunk(1, 1)));
  w.abort();
  assert.equal(budget.used(), 0);
  assert.deepEqual(readdirSync(dir), []);
  assert.throws(() => w.finish());
});

test('memory block: a buffer offered for reuse is written into when it fits, over its old contents', () => {
  const budget = MemoryBudget.create(1 << 24);
  const first = write(3, [[0, chunk(20000, 1)], [2, chunk(12000, 2)]], budget);
  assert.ok(first.ref.kind === 'memory');
  const old = first.ref.buffer;
  freeBlock(first.ref, budget);
  offerBlockBuffers([old, new SharedArrayBuffer(1 << 20)], 1 << 30);
  // Slightly smaller than the old block: the old buffer fits (the 1 MiB one is far too large).
  const second = write(2, [[1, chunk(18000, 3)], [0, chunk(4000, 4)]], budget);
  assert.ok(second.ref.kind === 'memory');
  assert.equal(second.ref.buffer, old);
  assert.deepEqual(readAll(second.ref), second.expected);
  assert.equal(budget.used(), second.ref.bytes);
  // Used buffers are not handed out twice; a block larger than every offered buffer gets a new one.
  const third = write(1, [[0, chunk(17000, 5)]], budget);
  assert.ok(third.ref.kind === 'memory' && third.ref.buffer !== old && third.ref.buffer.byteLength !== 1 << 20);
  assert.deepEqual(readAll(second.ref), second.expected);
  assert.deepEqual(readAll(third.ref), third.expected);
  // A buffer under MIN_REUSE_BYTES is not kept: a small block gets a new one.
  const small = new SharedArrayBuffer(MIN_REUSE_BYTES - 1);
  offerBlockBuffers([small], 1 << 30);
  const fourth = write(1, [[0, chunk(MIN_REUSE_BYTES - 100, 6)]], budget);
  assert.ok(fourth.ref.kind === 'memory' && fourth.ref.buffer !== small);
});

test('freed buffers are kept up to half a budget (1 GiB at most), so a query run again writes into touched memory', () => {
  assert.equal(reuseCap(2 * 2 ** 30), 2 ** 30);
  assert.equal(reuseCap(1000), 500);
  assert.equal(reuseCap(64 * 2 ** 30), 2 ** 30);
});

test('a new block buffer is rounded up to a size class, so a slightly larger block can reuse it', () => {
  for (const n of [1, 65536, 65537, 100_000, 87_090_496, 2 ** 30 + 1]) {
    const c = sizeClass(n);
    assert.ok(c >= n && c <= Math.max(n, n * 1.0625), `${n} -> ${c}`);
  }
  assert.equal(sizeClass(2 ** 20), 2 ** 20);
  const budget = MemoryBudget.create(1 << 24);
  const first = write(1, [[0, chunk(100_000, 1)]], budget);
  assert.ok(first.ref.kind === 'memory');
  assert.ok(first.ref.buffer.byteLength >= first.ref.bytes);
  assert.deepEqual(readAll(first.ref), first.expected);
  const old = first.ref.buffer;
  freeBlock(first.ref, budget);
  offerBlockBuffers([old], 1 << 30);
  const second = write(1, [[0, chunk(102_000, 2)]], budget);
  assert.ok(second.ref.kind === 'memory');
  assert.equal(second.ref.buffer, old, 'a block 2 % larger fits the rounded-up buffer');
  assert.deepEqual(readAll(second.ref), second.expected);
  freeBlock(second.ref, budget);
});

test('a writer told each chunk\'s rows records them per partition in the ref', () => {
  const budget = MemoryBudget.create(1 << 24);
  const w = new BlockWriter({ numPartitions: 3, budget, spillDir: dir });
  w.add(0, chunk(10, 1), 5);
  w.add(2, chunk(10, 2), 7);
  w.add(0, chunk(10, 3), 1);
  const ref = w.finish();
  assert.deepEqual(ref.parts, [0, 2]);
  assert.deepEqual(ref.rows, [6, 7]);
  assert.equal(blockRegion(ref, 1), undefined);
  assert.equal(blockRegion(ref, 2)?.rows, 7);
  freeBlock(ref, budget);
  const spilled = write(2, [[1, chunk(10, 1)]], MemoryBudget.create(0)).ref;
  assert.equal(spilled.rows, undefined, 'chunks added without counts leave rows out');
  freeBlock(spilled);
});

test('a block over many partitions indexes only those written to, in memory and in files', () => {
  for (const budget of [MemoryBudget.create(1 << 24), MemoryBudget.create(0)]) {
    const n = 100_000;
    const adds: Array<[number, Uint8Array]> = [[77_777, chunk(10, 1)], [5, chunk(20, 2)], [99_999, chunk(30, 3)], [5, chunk(5, 4)]];
    const w = new BlockWriter({ numPartitions: n, budget, spillDir: dir });
    for (const [p, c] of adds) w.add(p, c);
    const ref = w.finish();
    assert.equal(ref.numPartitions, n);
    assert.deepEqual(ref.parts, [5, 77_777, 99_999]);
    assert.equal(ref.offsets.length, 4);
    for (const p of [0, 6, 77_776, 99_998]) assert.deepEqual([...readBlockPartition(ref, p)], []);
    assert.deepEqual([...readBlockPartition(ref, 5)].map((c) => [...c]), [[...chunk(20, 2)], [...chunk(5, 4)]]);
    assert.deepEqual([...readBlockPartition(ref, 99_999)].map((c) => [...c]), [[...chunk(30, 3)]]);
    freeBlock(ref, budget);
  }
});

test('a thread keeps offered buffers up to the cap it is given', () => {
  const budget = MemoryBudget.create(1 << 24);
  const small = new SharedArrayBuffer(70_000);
  const big = new SharedArrayBuffer(90_000);
  const cap = reusableBlockBytes() + 80_000; // what earlier tests left in this thread's pool, and room for `small`
  offerBlockBuffers([big], cap); // over the cap: left to the garbage collector
  offerBlockBuffers([small], cap);
  assert.equal(reusableBlockBytes(), cap - 10_000);
  const { ref } = write(1, [[0, chunk(80_000, 1)]], budget);
  assert.ok(ref.kind === 'memory' && ref.buffer !== big, 'the buffer over the cap was not kept');
  freeBlock(ref, budget);
  const second = write(1, [[0, chunk(60_000, 2)]], budget).ref;
  assert.ok(second.kind === 'memory' && second.buffer === small);
  freeBlock(second, budget);
});
