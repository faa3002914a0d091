import { heapify, siftDown } from '../../util/heap.js';
import { concatBatches, sliceBatch, takeRows } from '../../frame/batch/batch.js';
import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import { MAX_FAN_IN } from '../external-sorter.js';
import { deleteRun, readSpilledRun, writeBatchesToSpill, type SpilledRun } from './ipc-spill.js';
import { compareKeys, keyColumns, type SortKeys } from './sort-keys.js';

interface Cursor {
  /** Source number: ties go to the lower one (sources are in input order, so the merge is stable). */
  readonly id: number;
  readonly src: Iterator<ColumnBatch>;
  batch: ColumnBatch;
  keys: readonly ColumnVector[];
  row: number;
  /** First row of `batch` picked into the chunk being built, or -1. */
  chunkStart: number;
}

/** Slices of at most `rows` rows of a batch. */
export function* sliceRows(b: ColumnBatch, rows: number): Generator<ColumnBatch> {
  for (let i = 0; i < b.numRows; i += rows) yield sliceBatch(b, i, i + rows);
}

/**
 * K-way merge (binary heap) of sources that each yield keyed batches in sort
 * order; only the current batch of each source is held. Yields keyed batches of
 * at most `batchRows` rows. A chunk is also cut whenever a source moves to its
 * next batch, so each chunk gathers one contiguous slice per source (concat
 * then one permutation, no per-row work beyond the heap). Sources are closed
 * when the merge ends, even early.
 */
export function* mergeKeyed(s: SortKeys, sources: readonly Iterator<ColumnBatch>[], batchRows: number): Generator<ColumnBatch> {
  const heap: Cursor[] = [];
  const less = (a: Cursor, b: Cursor): boolean => {
    const c = compareKeys(s, a.keys, a.row, b.keys, b.row);
    return c < 0 || (c === 0 && a.id < b.id);
  };
  const pickCursor = new Int32Array(batchRows);
  const pickRow = new Int32Array(batchRows);
  const byId: Cursor[] = [];
  let picks = 0;
  const flush = (): ColumnBatch => {
    const parts: ColumnBatch[] = [];
    const offset = new Int32Array(byId.length);
    let at = 0;
    for (const c of byId) {
      if (c.chunkStart < 0) continue;
      const end = c.row; // rows [chunkStart, row) of the current batch were picked
      parts.push(sliceBatch(c.batch, c.chunkStart, end));
      offset[c.id] = at - c.chunkStart;
      at += end - c.chunkStart;
      c.chunkStart = -1;
    }
    const n = picks;
    picks = 0;
    if (parts.length === 1) return parts[0]!;
    const perm = new Int32Array(n);
    for (let k = 0; k < n; k++) perm[k] = offset[pickCursor[k]!]! + pickRow[k]!;
    return takeRows(concatBatches(parts[0]!.schema, parts), perm);
  };
  try {
    sources.forEach((src, id) => {
      const batch = nextNonEmpty(src);
      const c: Cursor = { id, src, batch: batch ?? emptyMarker, keys: batch ? keyColumns(s, batch) : [], row: 0, chunkStart: -1 };
      byId.push(c);
      if (batch) heap.push(c);
    });
    heapify(heap, less);
    while (heap.length) {
      const top = heap[0]!;
      if (top.chunkStart < 0) top.chunkStart = top.row;
      pickCursor[picks] = top.id;
      pickRow[picks++] = top.row++;
      if (top.row >= top.batch.numRows) {
        yield flush(); // the slice of top's batch must be taken before the batch is replaced
        const batch = nextNonEmpty(top.src);
        if (batch) {
          top.batch = batch;
          top.keys = keyColumns(s, batch);
          top.row = 0;
        } else {
          const last = heap.pop()!;
          if (heap.length) heap[0] = last;
        }
      } else if (picks === batchRows) {
        yield flush();
      }
      if (heap.length) siftDown(heap, 0, less);
    }
    if (picks > 0) yield flush();
  } finally {
    for (const src of sources) src.return?.();
  }
}

const emptyMarker: ColumnBatch = { schema: { fields: [] }, columns: [], numRows: 0 };

function nextNonEmpty(src: Iterator<ColumnBatch>): ColumnBatch | undefined {
  for (;;) {
    const r = src.next();
    if (r.done) return undefined;
    if (r.value.numRows > 0) return r.value;
  }
}

/**
 * Merges groups of MAX_FAN_IN runs into new runs until at most MAX_FAN_IN are
 * left (multi-pass merge), deleting merged inputs. Mutates `runs`, which always
 * lists exactly the live run files. Returns the bytes written.
 */
export function reduceRuns(s: SortKeys, runs: SpilledRun[], dir: string, batchRows: number): number {
  let written = 0;
  while (runs.length > MAX_FAN_IN) {
    const group = runs.slice(0, MAX_FAN_IN);
    const merged = writeBatchesToSpill(dir, 'sort-merge', mergeKeyed(s, group.map(readSpilledRun), batchRows));
    runs.splice(0, MAX_FAN_IN, merged);
    for (const r of group) deleteRun(r);
    written += merged.bytes;
  }
  return written;
}
