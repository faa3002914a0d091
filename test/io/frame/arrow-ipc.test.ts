/**
 * Arrow IPC reading beyond plain files: body compression (LZ4_FRAME and ZSTD, written by Polars),
 * binary columns (read as lists of byte values), and the message index that lets the planner read
 * only message headers and a task only its own record batches.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Binary, BinaryView, CompressionType, FixedSizeBinary, LargeBinary, Table, tableFromIPC, tableToIPC, vectorFromArray, type DataType } from 'apache-arrow';
import { RecordBatchFileWriter } from 'apache-arrow';
import { compressFrameSync } from 'lz4-napi';
import { compressionRegistry } from 'apache-arrow';
import { Message } from 'apache-arrow/ipc/metadata/message';
import { zeroMetrics } from '../../../src/util/metrics.js';
import { readFileScan, type FileScanSpec } from '../../../src/io/frame/scan-reader.js';
import { rowsOf } from './scan-helpers.js';
import { readArrowIndex, readArrowStreamBytes } from '../../../src/io/frame/arrow-ipc-index.js';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { Session } from '../../../src/index.js';
import { Rng } from '../../frame/oracle/random.js';
import { expectedRows, polarsFrame, randomSource } from './polars-source.js';
import { scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();

/** The body compression type recorded in the first record batch's header (null when uncompressed). */
function compressionOf(p: string): number | null {
  const b = readArrowIndex(p).batches[0]!;
  const buf = fs.readFileSync(p);
  const meta = buf.subarray(b.offset + 8, b.offset + 8 + buf.readInt32LE(b.offset + 4));
  return (Message.decode(meta).header() as { compression: { type: number } | null }).compression?.type ?? null;
}

for (const compression of ['lz4', 'zstd'] as const) {
  for (const seed of [1, 2]) {
    test(`Arrow IPC file written by Polars with ${compression} compression reads back the source data, seed ${seed}`, () => {
      const src = randomSource(seed * 17, 700);
      const p = path.join(dir, `polars-${compression}-${seed}.arrow`);
      const plain = path.join(dir, `polars-plain-${compression}-${seed}.arrow`);
      polarsFrame(src, 3).writeIPC(p, { compression });
      polarsFrame(src, 3).writeIPC(plain);
      assert.ok(fs.statSync(p).size < fs.statSync(plain).size, 'the compressed file should be smaller (the case under test)');
      assert.equal(compressionOf(p), compression === 'lz4' ? CompressionType.LZ4_FRAME : CompressionType.ZSTD, 'Polars should compress the bodies (the case under test)');
      assert.equal(compressionOf(plain), null);
      assert.deepEqual(scanAll('arrow', p).rows, expectedRows(src));
      assert.deepEqual(scanAll('arrow', p, { splitBytes: 1 }, ['n', 's']).rows, expectedRows(src).map((r) => ({ n: r.n, s: r.s })));
    });
  }

  test(`Arrow IPC stream written by Polars with ${compression} compression reads back the source data`, () => {
    const src = randomSource(99, 400);
    const p = path.join(dir, `polars-${compression}.arrows`);
    polarsFrame(src, 2).writeIPCStream(p, { compression });
    assert.deepEqual(scanAll('arrow', p, { splitBytes: 1 }).rows, expectedRows(src));
  });
}

/** Random byte strings, with nulls, empty values and values on both sides of the 12-byte view inline limit. */
function randomBytes(seed: number, n: number, width?: number): (Uint8Array | null)[] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => (rng.below(5) === 0 ? null : Uint8Array.from({ length: width ?? rng.below(30) }, () => rng.below(256))));
}

const BINARY_TYPES: [string, () => DataType, number | undefined][] = [
  ['Binary', () => new Binary(), undefined],
  ['LargeBinary', () => new LargeBinary(), undefined],
  ['BinaryView', () => new BinaryView(), undefined],
  ['FixedSizeBinary', () => new FixedSizeBinary(5), 5],
];

for (const [name, type, width] of BINARY_TYPES) {
  test(`an Arrow ${name} column reads as lists of byte values`, () => {
    const values = randomBytes(name.length, 300, width);
    const p = path.join(dir, `bin-${name}.arrow`);
    fs.writeFileSync(p, tableToIPC(new Table({ raw: vectorFromArray(values, type()) })));
    assert.deepEqual(planFileScan('arrow', p, {}).schema.fields.map((f) => f.type), [{ list: 'int32' }]);
    assert.deepEqual(scanAll('arrow', p).rows, values.map((v) => ({ raw: v === null ? null : [...v] })));
  });
}

test('a compressed Arrow file with binary columns, written by apache-arrow with LZ4 frames, reads back', () => {
  const codec = compressionRegistry.get(CompressionType.LZ4_FRAME)!;
  compressionRegistry.set(CompressionType.LZ4_FRAME, { ...codec, encode: (d) => compressFrameSync(Buffer.from(d)) });
  const values = randomBytes(5, 2000);
  const p = path.join(dir, 'bin-lz4.arrow');
  const table = new Table({ raw: vectorFromArray(values, new Binary()) });
  const writer = new RecordBatchFileWriter({ compressionType: CompressionType.LZ4_FRAME } as never);
  fs.writeFileSync(p, writer.writeAll(table).toUint8Array(true));
  assert.deepEqual(scanAll('arrow', p).rows, values.map((v) => ({ raw: v === null ? null : [...v] })));
});

test('planning reads message headers only, and a task only its own record batch', () => {
  const src = randomSource(3, 900);
  const p = path.join(dir, 'index.arrow');
  polarsFrame(src, 3).writeIPC(p);
  const idx = readArrowIndex(p);
  assert.equal(idx.batches.length, 3);
  assert.deepEqual(idx.batches.map((b) => b.rows), [300, 300, 300]);
  // A task's stream holds the schema, its batch and the end marker: nothing of the other batches.
  assert.equal(readArrowStreamBytes(p, idx, [1]).length, idx.schema.length + idx.batches[1]!.length + 8);
  // Wipe the bodies of batches 1 and 2: the plan is unchanged, and batch 0 still reads right.
  const fd = fs.openSync(p, 'r+');
  for (const b of idx.batches.slice(1)) fs.writeSync(fd, Buffer.alloc(b.length - 400), 0, b.length - 400, b.offset + 400);
  fs.closeSync(fd);
  const plan = planFileScan('arrow', p, { splitBytes: 1 });
  assert.deepEqual(plan.partitions.map((units) => units.map((u) => (u as { numRows: number }).numRows)), [[300], [300], [300]]);
  const spec = { kind: 'files', format: 'arrow', options: {}, fileSchema: plan.fileSchema, projection: null, filters: [], partitions: plan.partitions } as FileScanSpec;
  const rows = [...readFileScan(spec, 0, { metrics: zeroMetrics() })].flatMap(rowsOf);
  assert.deepEqual(rows, expectedRows(src).slice(0, 300));
});

test('read.arrow of compressed Polars files on inline and local[2]', async () => {
  const src = randomSource(12, 1500);
  const p = path.join(dir, 'session-zstd.arrow');
  polarsFrame(src, 4).writeIPC(p, { compression: 'zstd' });
  for (const master of ['inline', 'local[2]']) {
    const s = await Session.local({ master });
    try {
      const got = await s.read.arrow(p, { splitBytes: 1 }).collect();
      assert.deepEqual(got, expectedRows(src), master);
    } finally {
      await s.stop();
    }
  }
});
