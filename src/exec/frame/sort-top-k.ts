import { sliceBatch } from '../../frame/batch/batch.js';
import { FRAME_BATCH_ROWS, type BatchStream, type ColumnBatch } from '../../frame/batch/vector.js';
import type { Schema } from '../../frame/types.js';
import { dataOnly, sortKeyed, type SortKeys } from './sort-keys.js';
import { sliceRows } from './sort-merge.js';

/**
 * The best `limit` rows of the input in sort order, holding at most about
 * 2 * limit rows plus one batch: whenever the buffer reaches twice the limit it
 * is sorted and cut back to the limit. The buffer keeps input order (kept rows
 * first, then newer batches) and the sort is stable, so ties resolve exactly as
 * a full sort followed by a slice would.
 */
export function* topK(s: SortKeys, input: BatchStream, limit: number, schema: Schema): Generator<ColumnBatch> {
  if (limit === 0) return;
  let buf: ColumnBatch[] = [];
  let rows = 0;
  const threshold = Math.max(2 * limit, 1024);
  for (const b of input) {
    if (b.numRows === 0) continue;
    buf.push(s.keyed(b));
    rows += b.numRows;
    if (rows >= threshold) {
      buf = [sliceBatch(sortKeyed(s, buf), 0, limit)];
      rows = buf[0]!.numRows;
    }
  }
  if (rows === 0) return;
  const best = sliceBatch(sortKeyed(s, buf), 0, limit);
  for (const part of sliceRows(best, FRAME_BATCH_ROWS)) yield dataOnly(s, part, schema);
}
