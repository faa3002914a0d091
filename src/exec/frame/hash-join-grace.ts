import { concatBatches, takeRows } from '../../frame/batch/batch.js';
import { batchBytes } from '../../frame/batch/size.js';
import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import { keyHashes } from './hash-join-keys.js';
import { deleteRun, PartitionedSpillWriter, type SpilledRun } from './ipc-spill.js';
import type { FrameOpContext } from './op-context.js';

/** Buckets of the first partitioning pass, when the build side's size is unknown (a power of two). */
export const GRACE_FANOUT = 16;
const MAX_FANOUT = 64;

/**
 * Buckets for re-partitioning a spilled bucket of `bytes` (its file size): enough
 * that each part's table (about 3x its data) fits in half of what the budget has
 * left. Fewer, bigger frames are much cheaper to write and read than many small ones.
 */
export function fanoutFor(bytes: number, ctx: FrameOpContext): number {
  const free = Math.max(ctx.budget.limit - ctx.budget.used(), ctx.budget.limit / 8, 1);
  const want = Math.ceil((3 * bytes) / (free / 2));
  let f = 2;
  while (f < want && f < MAX_FANOUT) f *= 2;
  return f;
}

/** A bucket's pending rows are written as one frame once this many rows... */
const FLUSH_ROWS = 16384;
/** ...or this many estimated bytes are pending (frames have a fixed cost of about a millisecond). */
const FLUSH_BYTES = 256 * 1024;

/** The hash seed of partitioning level `level`: independent of the table's and of other levels'. */
export function graceSeed(level: number): number {
  return Math.imul(level + 1, 0x9e3779b9) ^ 0x7f4a7c15;
}

/**
 * Splits a stream into `fanout` (a power of two) spill runs by the hash of its keys (rows
 * with equal keys, on either side, land in the same bucket). Small pieces of a
 * bucket are gathered and written as one frame (at most FLUSH_BYTES pending per
 * bucket: write buffers, not reserved from the budget). Adds the bytes written
 * to the task's metrics. Every run is deleted if anything fails.
 */
export function partitionToSpill(stream: Iterable<ColumnBatch>, keys: (b: ColumnBatch) => ColumnVector[], level: number, fanout: number, ctx: FrameOpContext, prefix: string): SpilledRun[] {
  const writer = new PartitionedSpillWriter(ctx.spillDir, prefix, fanout);
  const seed = graceSeed(level);
  const mask = fanout - 1;
  try {
    const pending: ColumnBatch[][] = Array.from({ length: fanout }, () => []);
    const pendingRows = new Float64Array(fanout);
    const pendingBytes = new Float64Array(fanout);
    const flush = (i: number): void => {
      const parts = pending[i]!;
      if (parts.length) writer.append(i, concatBatches(parts[0]!.schema, parts));
      pending[i] = [];
      pendingRows[i] = pendingBytes[i] = 0;
    };
    const counts = new Int32Array(fanout);
    for (const b of stream) {
      const n = b.numRows;
      if (n === 0) continue;
      const rowBytes = batchBytes(b) / n;
      const { hash } = keyHashes(keys(b), n, seed);
      const bucket = new Uint8Array(n);
      counts.fill(0);
      for (let r = 0; r < n; r++) counts[(bucket[r] = hash[r]! & mask)]!++;
      // Counting sort of the rows by bucket: one index array, each bucket a contiguous range of it.
      const starts = new Int32Array(fanout + 1);
      for (let i = 0; i < fanout; i++) starts[i + 1] = starts[i]! + counts[i]!;
      const order = new Int32Array(n);
      const fill = starts.slice(0, fanout);
      for (let r = 0; r < n; r++) order[fill[bucket[r]!]!++] = r;
      for (let i = 0; i < fanout; i++) {
        if (counts[i] === 0) continue;
        pending[i]!.push(counts[i] === n ? b : takeRows(b, order.subarray(starts[i]!, starts[i + 1]!)));
        pendingRows[i]! += counts[i]!;
        pendingBytes[i]! += counts[i]! * rowBytes;
        if (pendingRows[i]! >= FLUSH_ROWS || pendingBytes[i]! >= FLUSH_BYTES) flush(i);
      }
    }
    for (let i = 0; i < fanout; i++) flush(i);
    const runs = writer.close();
    for (const r of runs) ctx.metrics.spilledBytes += r.bytes;
    ctx.metrics.spills++;
    return runs;
  } catch (e) {
    writer.abort();
    throw e;
  }
}

/** Deletes every run of a partitioning pass (they share one file). */
export function deleteRuns(runs: readonly SpilledRun[]): void {
  for (const r of runs) deleteRun(r);
}
