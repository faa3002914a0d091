import { rmSync } from 'node:fs';
import { takeRows } from '../../frame/batch/batch.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import { FRAME_BATCH_ROWS } from '../../frame/batch/vector.js';
import { readRun, RunWriter } from '../exchange/spill-runs.js';
import { ipcRunFormat } from './ipc-spill.js';

/** Hash bits that recursive re-partitioning may use; past them a bucket is processed in memory regardless of the budget. */
export const MAX_SPILL_HASH_BITS = 24;

/**
 * Bits of the key hash (log2 of the bucket count) a spill level uses, from the
 * size of its first spill: small spills (a tiny budget) get few buckets, since
 * each frame costs a fixed Arrow IPC encode/decode; big ones get 16 buckets, so
 * few levels of re-partitioning are needed.
 */
export function spillBits(firstSpillGroups: number): number {
  return firstSpillGroups >= 65536 ? 4 : firstSpillGroups >= 4096 ? 3 : 2;
}

/**
 * Spill files of group-state batches, hash-partitioned by group key: one file
 * per bucket, each spill appending one CRC-framed Arrow IPC batch (or several)
 * to the buckets its groups fall in. Files hold batches in spill order, so
 * order-sensitive states (first, last, collect_list) merge back in input order.
 */
export class SpillBuckets {
  private readonly writers: (RunWriter<ColumnBatch> | null)[];
  private readonly fanout: number;

  /** Buckets by hash bits [shift, shift + bits). */
  constructor(
    private readonly dir: string,
    private readonly shift: number,
    readonly bits: number,
  ) {
    this.fanout = 1 << bits;
    this.writers = new Array<RunWriter<ColumnBatch> | null>(this.fanout).fill(null);
  }

  private bucketOf(hash: number): number {
    return (hash >>> this.shift) & (this.fanout - 1);
  }

  /** Appends row g of `batch` to the bucket of `hashes[g]`, for every row; returns the bytes written. */
  write(batch: ColumnBatch, hashes: Uint32Array): number {
    const n = batch.numRows;
    const fanout = this.fanout;
    const counts = new Int32Array(fanout + 1);
    for (let g = 0; g < n; g++) counts[this.bucketOf(hashes[g]!) + 1]!++;
    for (let b = 0; b < fanout; b++) counts[b + 1]! += counts[b]!;
    const order = new Int32Array(n);
    const fill = counts.slice(0, fanout);
    for (let g = 0; g < n; g++) order[fill[this.bucketOf(hashes[g]!)]!++] = g;
    let bytes = 0;
    for (let b = 0; b < fanout; b++) {
      for (let s = counts[b]!; s < counts[b + 1]!; s += FRAME_BATCH_ROWS) {
        const rows = takeRows(batch, order.subarray(s, Math.min(s + FRAME_BATCH_ROWS, counts[b + 1]!)));
        const w = (this.writers[b] ??= new RunWriter(ipcRunFormat, this.dir, `agg-s${this.shift}-b${b}`));
        const before = w.bytes;
        w.append(rows);
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
    yield* readRun(ipcRunFormat, path);
  } finally {
    rmSync(path, { force: true });
  }
}
