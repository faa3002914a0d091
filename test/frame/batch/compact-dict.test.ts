import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceBatch } from '../../../src/frame/batch/batch.js';
import { compactDict, compactSharedDicts } from '../../../src/frame/batch/compact-dict.js';
import { isDistinct } from '../../../src/frame/batch/dict-distinct.js';
import { batchFromColumns } from '../../../src/frame/batch/records.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';

const strings = (b: ColumnBatch) => Array.from({ length: b.numRows }, (_, i) => getValue(b.columns[0]!, i));

// 1000 rows over a dictionary of 300 distinct strings.
const table = batchFromColumns({ s: Array.from({ length: 1000 }, (_, i) => `v${i % 300}`) });

test('compactDict keeps only the entries a slice uses, and stays distinct', () => {
  const slice = sliceBatch(table, 0, 10);
  const v = compactDict(slice.columns[0]!);
  assert.equal(v.dict!.length, 10);
  assert.equal(isDistinct(v.dict!), true);
  assert.deepEqual(Array.from({ length: 10 }, (_, i) => getValue(v, i)), strings(slice));
});

test('a cut keeps its entries in the order of the source dictionary (gathered front to back)', () => {
  // Rows use entries 250, 3, 120, 3, 7: the cut dictionary lists them as the source does.
  const rows = batchFromColumns({ s: [250, 3, 120, 3, 7].map((k) => `v${k}`) });
  const viaSource = { ...rows, columns: [{ ...table.columns[0]!, length: 5, values: Int32Array.from([250, 3, 120, 3, 7].map((k) => table.columns[0]!.dict!.indexOf(`v${k}`))) }] };
  const v = compactDict(viaSource.columns[0]!);
  assert.deepEqual(v.dict, ['v3', 'v7', 'v120', 'v250']);
  assert.deepEqual(Array.from({ length: 5 }, (_, i) => getValue(v, i)), strings(rows));
});

test('compactSharedDicts cuts a shared dictionary once for all batches, or keeps a repeatable one whole', () => {
  const parts = [sliceBatch(table, 0, 40), sliceBatch(table, 500, 520)];
  const cut = compactSharedDicts(parts);
  assert.equal(cut[0]!.columns[0]!.dict, cut[1]!.columns[0]!.dict);
  assert.ok(cut[0]!.columns[0]!.dict!.length <= 60);
  cut.forEach((b, i) => assert.deepEqual(strings(b), strings(parts[i]!)));
  // 20 rows: a 300-entry dictionary is more than eight times as large, so it is cut even when repeatable.
  const few = [sliceBatch(table, 0, 10), sliceBatch(table, 500, 510)];
  assert.notEqual(compactSharedDicts(few, true)[0]!.columns[0]!.dict, table.columns[0]!.dict);
  // 60 rows: at most eight times as large, and small enough for readers to remember: kept whole.
  assert.equal(compactSharedDicts(parts, true)[0]!.columns[0]!.dict, table.columns[0]!.dict);
  // 200 rows: at most twice as large, kept whole so the next group repeats it.
  const wide = [sliceBatch(table, 0, 100), sliceBatch(table, 100, 200)];
  const kept = compactSharedDicts(wide, true);
  assert.equal(kept[0]!.columns[0]!.dict, table.columns[0]!.dict);
  assert.notEqual(compactSharedDicts(wide)[0]!.columns[0]!.dict, table.columns[0]!.dict);
});

test('a repeatable dictionary too large for readers to remember is kept whole only up to twice the rows', () => {
  const big = batchFromColumns({ s: Array.from({ length: 140000 }, (_, i) => `k${i}`) }); // past recent-dicts' 128k entries
  const twenty = [sliceBatch(big, 0, 10000), sliceBatch(big, 10000, 20000)];
  assert.notEqual(compactSharedDicts(twenty, true)[0]!.columns[0]!.dict, big.columns[0]!.dict);
  const seventy = [sliceBatch(big, 0, 35000), sliceBatch(big, 35000, 70000)];
  assert.equal(compactSharedDicts(seventy, true)[0]!.columns[0]!.dict, big.columns[0]!.dict);
});
