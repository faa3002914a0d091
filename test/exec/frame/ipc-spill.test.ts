import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { test } from 'node:test';
import { CorruptBlockError } from '../../../src/exec/spill-file.js';
import { deleteRun, PartitionedSpillWriter, readSpilledRun, writeBatchesToSpill } from '../../../src/exec/frame/ipc-spill.js';
import { batchesOf, rowsOf, schemaOf, testCtx } from './join-sort-helpers.js';

const S = schemaOf('c', ['int32', 'string', 'float64', 'bool', 'date', { list: 'int32' }]);
const rows = Array.from({ length: 50 }, (_, i) => [i % 7 === 0 ? null : i, i % 5 === 0 ? null : `s${i % 3}`, i / 4, i % 2 === 0, i * 3, i % 4 === 0 ? null : [i, i + 1]]);

test('batches round-trip through a spill file lazily, and the file is deleted on request', () => {
  const ctx = testCtx();
  try {
    const batches = batchesOf(S, rows, [7, 0, 13]);
    const run = writeBatchesToSpill(ctx.spillDir, 'test', batches);
    assert.equal(run.rows, 50);
    assert.equal(run.batches, batches.length);
    assert.ok(run.bytes > 0 && existsSync(run.path));
    const it = readSpilledRun(run);
    assert.equal(it.next().value!.numRows, 7, 'one batch per frame, read on demand');
    it.return(undefined);
    assert.deepEqual(rowsOf(readSpilledRun(run)), rowsOf(batches), 'readable again');
    deleteRun(run);
    assert.equal(existsSync(run.path), false);
  } finally {
    ctx.dispose();
  }
});

test('partitioned runs share one file and read back only their own batches', () => {
  const ctx = testCtx();
  try {
    const batches = batchesOf(S, rows, [10]);
    const w = new PartitionedSpillWriter(ctx.spillDir, 'parts', 3);
    batches.forEach((b, i) => w.append(i % 3, b));
    const runs = w.close();
    assert.equal(new Set(runs.map((r) => r.path)).size, 1);
    runs.forEach((r, p) => assert.deepEqual(rowsOf(readSpilledRun(r)), rowsOf(batches.filter((_, i) => i % 3 === p))));
  } finally {
    ctx.dispose();
  }
});

test('a corrupted spill file raises CorruptBlockError naming the file', () => {
  const ctx = testCtx();
  try {
    const run = writeBatchesToSpill(ctx.spillDir, 'bad', batchesOf(S, rows));
    const bytes = readFileSync(run.path);
    bytes[bytes.length - 3]! ^= 0xff;
    writeFileSync(run.path, bytes);
    assert.throws(() => [...readSpilledRun(run)], (e: unknown) => e instanceof CorruptBlockError && e.message.includes(run.path));
  } finally {
    ctx.dispose();
  }
});
