/**
 * A batch with no columns still has rows (`count(*)` over a projection of nothing, `SELECT 1 FROM a, b`):
 * every batch primitive and the Arrow IPC wire format must keep its row count.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { concatBatches, makeBatch, renameColumns, selectColumns, sliceBatch, takeRows } from '../../../src/frame/batch/batch.js';
import { fromArrowTable, toArrowTable } from '../../../src/frame/batch/arrow.js';
import { decodeIpc, encodeIpc, encodeIpcBatches, encodeIpcPieces, joinPieces } from '../../../src/frame/batch/ipc.js';
import { batchToRecords } from '../../../src/frame/batch/records.js';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';

const NONE = { fields: [] };
const SIZES = [0, 1, 2, 7, 8, 9, 1000, 65537];
const rowsOf = (bs: readonly ColumnBatch[]): number[] => bs.map((b) => b.numRows);

test('makeBatch keeps the declared row count of a batch without columns', () => {
  for (const n of SIZES) {
    const b = makeBatch(NONE, [], n);
    assert.equal(b.numRows, n);
    assert.deepEqual(batchToRecords(b), Array.from({ length: n }, () => ({})));
  }
  assert.throws(() => makeBatch(NONE, [], -1), /non-negative integer/);
  assert.throws(() => makeBatch(NONE, []), /without columns needs its row count/, 'a count lost on the way is an error, not 0 rows');
  const one = { fields: [{ name: 'a', type: 'int32' as const, nullable: true }] };
  assert.throws(() => makeBatch(one, [vectorFromValues('int32', [1, 2])], 3), /column 'a' has 2 rows but the batch has 3/);
});

test('slice, take, select, rename and concat keep the rows of column-less batches', () => {
  for (const n of SIZES) {
    const b = makeBatch(NONE, [], n);
    assert.equal(sliceBatch(b, 1, n - 1).numRows, Math.max(0, n - 2));
    assert.equal(takeRows(b, new Int32Array([0, 0, 0]).subarray(0, Math.min(3, n))).numRows, Math.min(3, n));
    assert.equal(renameColumns(b, []).numRows, n);
    const wide = makeBatch({ fields: [{ name: 'a', type: 'int32', nullable: true }] }, [vectorFromValues('int32', Array.from({ length: n }, (_, i) => i))]);
    assert.equal(selectColumns(wide, []).numRows, n, 'selecting no columns keeps the rows');
    assert.equal(concatBatches(NONE, [b, makeBatch(NONE, [], 3), b]).numRows, 2 * n + 3);
  }
});

test('Arrow IPC carries the row count of column-less batches (one and several per stream, pieces)', () => {
  for (const n of SIZES) {
    const b = makeBatch(NONE, [], n);
    assert.deepEqual(rowsOf(decodeIpc(encodeIpc(b))), [n]);
    const several = [b, makeBatch(NONE, [], 5), makeBatch(NONE, [], n + 1)];
    assert.deepEqual(rowsOf(decodeIpc(encodeIpcBatches(NONE, several))), [n, 5, n + 1]);
    assert.deepEqual(rowsOf(decodeIpc(joinPieces(encodeIpcPieces(NONE, several), true))), [n, 5, n + 1], 'pieces joined in shared memory');
    for (const d of decodeIpc(encodeIpc(b))) assert.deepEqual(d.columns, []);
  }
});

test('Arrow tables of column-less batches keep their rows both ways', () => {
  for (const n of SIZES) {
    const table = toArrowTable(NONE, [makeBatch(NONE, [], n), makeBatch(NONE, [], 3)]);
    assert.equal(table.numRows, n + 3);
    assert.deepEqual(rowsOf(fromArrowTable(table).batches), [n, 3]);
  }
});
