import { takeRows } from '../../frame/batch/batch.js';
import type { BatchStream, ColumnBatch } from '../../frame/batch/vector.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import { SluiceError } from '../../util/errors.js';

/**
 * Skips `op.offset` rows, then passes on at most `op.n` rows. Returns from the
 * generator as soon as `n` rows are out, which closes the input iterator
 * (`for...of` calls its `return()`), so upstream operators stop pulling.
 */
export function* limitOp(op: Extract<PhysOp, { op: 'limit' }>, input: BatchStream): Generator<ColumnBatch> {
  if (!(op.n >= 0) || !(op.offset >= 0)) throw new SluiceError(`limit: invalid n ${op.n} / offset ${op.offset}`);
  let skip = op.offset;
  let left = op.n;
  if (left === 0) return;
  for (const b of input) {
    const rows = b.numRows;
    if (skip >= rows) {
      skip -= rows;
      continue;
    }
    const take = Math.min(rows - skip, left);
    yield skip === 0 && take === rows ? b : takeRows(b, range(skip, take));
    skip = 0;
    left -= take;
    if (left === 0) return;
  }
}

function range(start: number, count: number): Int32Array {
  const out = new Int32Array(count);
  for (let i = 0; i < count; i++) out[i] = start + i;
  return out;
}
