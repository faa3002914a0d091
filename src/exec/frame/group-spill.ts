import { rmSync } from 'node:fs';
import { takeRows } from '../../frame/batch/batch.js';
import { decodeIpc, encodeIpc } from '../../frame/batch/ipc.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import { FRAME_BATCH_ROWS } from '../../frame/batch/vector.js';
import { SpillWriter, readFrames, tempPath } from '../spill-file.js';

/** Buckets per spill level: 4 bits of the key hash each. */
export const SPILL_FANOUT = 16;
/** Levels of recursive re-partitioning before a bucket is processed in memory regardless of the budget. */
export const MAX_SPILL_LEVEL = 4;

/** The bucket of a key hash at recursion `level` (each level uses the next 4 bits). */
export function bucketOf(hash: number, level: number): number {
  return (hash >>> (level * 4)) & (SPILL_FANOUT - 1);
}

/**
 * Spill files of group-state batches, hash-partitioned by group key: one file
 * per bucket, each spill appending one CRC-framed Arrow IPC batch (or several)
 * to the buckets its groups fall in. Files hold batches in spill order, so
 * order-sensitive states (first, last, collect_list) merge back in input order.
 */
export class SpillBuckets {
  private readonly writers: (SpillWriter | null)[] = new Array<SpillWriter | null>(SPILL_FANOUT).fill(null);

  constructor(
    private readonly dir: string,
    private readonly level: number,
  ) {}

  /** Appends row g of `batch` to the bucket of `hashes[g]`, for every row; returns the bytes written. */
  write(batch: ColumnBatch, hashes: Uint32Array): number {
    const n = batch.numRows;
    const counts = new Int32Array(SPILL_FANOUT + 1);
    for (let g = 0; g < n; g++) counts[bucketOf(hashes[g]!, this.level) + 1]!++;
    for (let b = 0; b < SPILL_FANOUT; b++) counts[b + 1]! += counts[b]!;
    const order = new Int32Array(n);
    const fill = counts.slice(0, SPILL_FANOUT);
    for (let g = 0; g < n; g++) order[fill[bucketOf(hashes[g]!, this.level)]!++] = g;
    let bytes = 0;
    for (let b = 0; b < SPILL_FANOUT; b++) {
      for (let s = counts[b]!; s < counts[b + 1]!; s += FRAME_BATCH_ROWS) {
        const rows = takeRows(batch, order.subarray(s, Math.min(s + FRAME_BATCH_ROWS, counts[b + 1]!)));
        const w = (this.writers[b] ??= new SpillWriter(tempPath(this.dir, `agg-l${this.level}-b${b}`)));
        const before = w.bytes;
        w.append(encodeIpc(rows));
        bytes += w.bytes - before;
      }
    }
    return bytes;
  }

  /** Closes every file; the paths of the non-empty buckets, in bucket order. */
  close(): string[] {
    const paths: string[] = [];
    for (const w of this.writers) if (w) paths.push(w.close().path);
    this.writers.fill(null);
    return paths;
  }

  /** Deletes every file (error paths). */
  abort(): void {
    for (const w of this.writers) w?.abort();
    this.writers.fill(null);
  }
}

/** The batches of one bucket file, in the order they were spilled; the file is deleted once read (or on early exit). */
export function* readBucket(path: string): Generator<ColumnBatch> {
  try {
    for (const frame of readFrames(path)) yield* decodeIpc(frame);
  } finally {
    rmSync(path, { force: true });
  }
}
