import { sliceBatch } from '../../frame/batch/batch.js';
import { HeldBytes } from '../../frame/batch/size.js';
import { FRAME_BATCH_ROWS, type BatchStream, type ColumnBatch } from '../../frame/batch/vector.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import type { Schema } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';
import { GrowingReservation } from '../memory-budget.js';
import { deleteRun, readSpilledRun, writeBatchesToSpill, type SpilledRun } from './ipc-spill.js';
import type { FrameOpContext } from './op-context.js';
import { dataOnly, sortKeyed, sortKeys, type SortKeys } from './sort-keys.js';
import { mergeKeyed, reduceRuns, sliceRows } from './sort-merge.js';
import { topK } from './sort-top-k.js';

/** Rows per batch of a spilled run: bounds the merge's memory (one batch per run). */
const RUN_BATCH_ROWS = 4096;
/** Above this limit a top-k would hold too much: sort externally and stop after `limit` rows. */
const MAX_TOP_K = 4 * FRAME_BATCH_ROWS;

/**
 * Sorts the partition by `op.keys` (stable: rows with equal keys keep their
 * input order). Batches are buffered while the budget grants their bytes; when
 * refused, the buffer is sorted and spilled as a run of Arrow IPC frames, and
 * the runs are k-way merged at the end (external merge sort). With `op.limit`,
 * only the best `limit` rows are kept in memory (top-k, no spill).
 */
export function sortOp(op: Extract<PhysOp, { op: 'sort' }>, input: BatchStream, ctx: FrameOpContext): BatchStream {
  const keys = sortKeys(op.keys, op.input.schema, ctx);
  const limit = op.limit;
  if (limit !== undefined && !(limit >= 0)) throw new SluiceError(`sort: invalid limit ${limit}`);
  if (limit !== undefined && limit <= MAX_TOP_K) return topK(keys, input, limit, op.schema);
  const sorted = externalSort(keys, input, op.schema, ctx);
  return limit === undefined ? sorted : firstRows(sorted, limit);
}

function* externalSort(s: SortKeys, input: BatchStream, schema: Schema, ctx: FrameOpContext): Generator<ColumnBatch> {
  const res = new GrowingReservation(ctx.budget);
  const runs: SpilledRun[] = [];
  let buf: ColumnBatch[] = [];
  const bufBytes = new HeldBytes();
  const spill = (): void => {
    const run = writeBatchesToSpill(ctx.spillDir, 'sort-run', sliceRows(sortKeyed(s, buf), RUN_BATCH_ROWS));
    runs.push(run);
    buf = [];
    bufBytes.clear();
    res.releaseAll();
    ctx.metrics.spills++;
    ctx.metrics.spilledBytes += run.bytes;
  };
  try {
    for (const b of input) {
      if (b.numRows === 0) continue;
      const kb = s.keyed(b);
      buf.push(kb);
      bufBytes.add(kb);
      // Twice the buffer: sorting builds a concatenated copy and a permuted one.
      if (!res.ensure(2 * bufBytes.total)) spill();
    }
    if (runs.length === 0) {
      if (buf.length === 0) return;
      const sorted = sortKeyed(s, buf);
      buf = [];
      for (const part of sliceRows(sorted, FRAME_BATCH_ROWS)) yield dataOnly(s, part, schema);
      return;
    }
    if (buf.length > 0) spill(); // the rest joins the runs: merge memory stays one batch per run
    ctx.metrics.spilledBytes += reduceRuns(s, runs, ctx.spillDir, RUN_BATCH_ROWS);
    for (const part of mergeKeyed(s, runs.map(readSpilledRun), FRAME_BATCH_ROWS)) yield dataOnly(s, part, schema);
  } finally {
    res.releaseAll();
    for (const r of runs) deleteRun(r);
  }
}

/** The first `n` rows of a stream; closes it once they are out. */
function* firstRows(input: Iterable<ColumnBatch>, n: number): Generator<ColumnBatch> {
  let left = n;
  if (left === 0) return;
  for (const b of input) {
    if (b.numRows >= left) {
      yield sliceBatch(b, 0, left);
      return;
    }
    left -= b.numRows;
    yield b;
  }
}
