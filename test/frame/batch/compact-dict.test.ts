import { test } from 'node:test';
import assert from 'node:assert/strict';
import { sliceBatch, takeVector } from '../../../src/frame/batch/batch.js';
import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { compactDict, compactGathered, compactSharedDicts, keepsWholeDict } from '../../../src/frame/batch/compact-dict.js';
import { isDistinct, markDistinct } from '../../../src/frame/batch/dict-distinct.js';
import { decodeIpc, encodeIpc } from '../../../src/frame/batch/ipc.js';
import { batchFromColumns } from '../../../src/frame/batch/records.js';
import { getValue } from '../../../src/frame/batch/values.js';
import { dictHandle, dictSize, hasDistinctDict } from '../../../src/frame/batch/utf8-dict.js';
import type { ColumnBatch } from '../../../src/frame/batch/vector.js';
import type { Schema } from '../../../src/frame/types.js';

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

test('compactGathered re-codes a gather from a large dictionary onto the entries it uses, as strings and as UTF-8 bytes', () => {
  // A 5000-entry dictionary of distinct strings (every 97th row null), gathered 300 rows at a time
  // with repeats and -1 (null) indices: the result keeps every row's string and drops the rest.
  const values = Array.from({ length: 5000 }, (_, i) => (i % 97 === 5 ? null : `id-${i}-é`));
  const asStrings = vectorFromValues('string', values);
  markDistinct(asStrings.dict!);
  const schema: Schema = { fields: [{ name: 's', type: 'string', nullable: true }] };
  const asBytes = decodeIpc(encodeIpc({ schema, columns: [asStrings], numRows: 5000 }))[0]!.columns[0]!;
  assert.ok(asBytes.utf8, 'read back with its dictionary as bytes');
  let seed = 7;
  const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) % n);
  for (const source of [asStrings, asBytes, asStrings, asBytes]) {
    // Each round picks other rows: codes left in the shared scratch map by an earlier round would show.
    const idx = Int32Array.from({ length: 300 }, (_, k) => (k % 41 === 3 ? -1 : k % 5 === 0 ? 17 : rnd(5000)));
    const gathered = takeVector(source, idx);
    const want = Array.from(idx, (i) => (i < 0 ? null : values[i]!));
    const v = compactGathered(gathered);
    assert.notEqual(dictHandle(v), dictHandle(source));
    assert.deepEqual(Array.from({ length: v.length }, (_, i) => getValue(v, i)), want);
    const used = new Set(want.filter((s) => s !== null));
    assert.equal(dictSize(v), used.size, 'one entry per string used, none for null rows');
    assert.equal(hasDistinctDict(v), true);
  }
  // A dictionary not much larger than the rows is passed on whole.
  const few = takeVector(asBytes, Int32Array.from({ length: 3000 }, (_, k) => k));
  assert.equal(compactGathered(few), few);
  assert.equal(keepsWholeDict(5000, 3000), true);
  assert.equal(keepsWholeDict(5000, 300), false);
});
