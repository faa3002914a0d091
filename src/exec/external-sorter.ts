import { heapify, siftDown } from '../util/heap.js';
import { rmSync } from 'node:fs';
import { estimateSize } from '../serde/keys.js';
import { decodeBatch, encodeBatch } from '../serde/record-codec.js';
import { SluiceError } from '../util/errors.js';
import { GrowingReservation, type MemoryBudget } from './memory-budget.js';
import { codecFormat, type ChunkFormat } from './exchange/chunk-format.js';
import { readRun, writeRun } from './exchange/spill-runs.js';

/** Encodes/decodes a batch of records (defaults to serde/record-codec). */
export interface BatchCodec {
  encode(records: unknown[]): Uint8Array;
  decode(bytes: Uint8Array): unknown[];
}

/** Counters that spilling operators add to (e.g. the task's metrics). */
export interface SpillMetrics {
  spilledBytes: number;
  spills: number;
}

/** The record codec of serde, as a {@link BatchCodec}. */
export const defaultCodec: BatchCodec = { encode: encodeBatch, decode: decodeBatch };

/** Runs merged at once at most: bounds open files and per-run read buffers during a merge. */
export const MAX_FAN_IN = 32;
/** Below this many buffered records a refused reservation does not force a spill (progress on an exhausted budget). */
export const MIN_SPILL_RECORDS = 1024;
/** ...unless the buffer is estimated at least this big (few huge records). */
export const MIN_SPILL_BYTES = 1024 * 1024;
const SAMPLE_EVERY = 64;
const RUN_BATCH_BYTES = 256 * 1024;

/** Cuts a sorted array into batches sized by estimated bytes (at most 4096 records). @internal */
export function* sliceBatches<T>(items: T[], avgBytes: number): Generator<T[]> {
  const n = Math.max(16, Math.min(4096, Math.floor(RUN_BATCH_BYTES / Math.max(1, avgBytes))));
  for (let i = 0; i < items.length; i += n) yield items.slice(i, i + n);
}

interface Cursor<T> {
  batch: T[];
  i: number;
  src: Iterator<T[]>;
}

/**
 * K-way merge (binary heap) of sources that each yield sorted batches; only the
 * current batch of each source is held. Yields merged batches of `batchSize`.
 * Every source is closed (`return()`) when the merge ends, even early.
 * @internal
 */
export function* mergeSortedBatches<T>(sources: Iterator<T[]>[], compare: (a: T, b: T) => number, batchSize: number): Generator<T[]> {
  const heap: Cursor<T>[] = [];
  const less = (a: Cursor<T>, b: Cursor<T>): boolean => compare(a.batch[a.i]!, b.batch[b.i]!) < 0;
  const nextBatch = (src: Iterator<T[]>): T[] | undefined => {
    for (;;) {
      const r = src.next();
      if (r.done) return undefined;
      if (r.value.length) return r.value;
    }
  };
  try {
    for (const src of sources) {
      const batch = nextBatch(src);
      if (batch) heap.push({ batch, i: 0, src });
    }
    heapify(heap, less);
    let out: T[] = [];
    while (heap.length) {
      const top = heap[0]!;
      out.push(top.batch[top.i++]!);
      if (top.i >= top.batch.length) {
        const batch = nextBatch(top.src);
        if (batch) {
          top.batch = batch;
          top.i = 0;
        } else {
          const last = heap.pop()!;
          if (heap.length) heap[0] = last;
        }
      }
      if (heap.length) siftDown(heap, 0, less);
      if (out.length >= batchSize) {
        yield out;
        out = [];
      }
    }
    if (out.length) yield out;
  } finally {
    for (const src of sources) src.return?.();
  }
}

/**
 * Reduces `runs` to at most MAX_FAN_IN files by merging groups of them into new
 * runs (multi-pass merge), deleting the inputs. `merge` turns the group's
 * sources into the merged batch stream. Mutates `runs`.
 * @internal
 */
export function reduceFanIn<T>(runs: string[], dir: string, format: ChunkFormat<unknown[]>, merge: (sources: Iterator<T[]>[]) => Iterable<unknown[]>): void {
  while (runs.length > MAX_FAN_IN) {
    const group = runs.slice(0, MAX_FAN_IN);
    const { path } = writeRun(format, dir, 'merge-run', merge(group.map((p) => readRun(format, p) as Generator<T[]>)));
    runs.splice(0, MAX_FAN_IN);
    runs.push(path);
    for (const p of group) rmSync(p, { force: true });
  }
}

/** Options of {@link ExternalSorter}. */
export interface ExternalSorterOptions<T> {
  compare: (a: T, b: T) => number;
  budget: MemoryBudget;
  spillDir: string;
  codec?: BatchCodec;
  /** Heap bytes of one record (default: serde's estimateSize); sampled every 64th record. */
  estimate?: (x: T) => number;
  metrics?: SpillMetrics;
}

/**
 * Sort beyond memory: records are buffered while the budget grants their
 * estimated size; when refused, the buffer is sorted and written as a run file
 * and its memory released. `sortedBatches` k-way merges the runs and the
 * in-memory rest, holding one batch per run. Not stable for equal keys.
 * Memory used by the merge itself (one decoded batch per run) is not reserved.
 */
export class ExternalSorter<T> {
  private buf: T[] = [];
  private readonly runs: string[] = [];
  private readonly res: GrowingReservation;
  private readonly format: ChunkFormat<unknown[]>;
  private readonly estimate: (x: T) => number;
  private inserted = 0;
  private sampledBytes = 0;
  private samples = 0;
  private avg = 0;
  private done = false;
  /** Bytes written by spills of the in-memory buffer (merge passes not counted). */
  spilledBytes = 0;
  /** Number of runs spilled from memory. */
  spills = 0;

  constructor(private readonly opts: ExternalSorterOptions<T>) {
    this.res = new GrowingReservation(opts.budget);
    this.format = codecFormat(opts.codec ?? defaultCodec);
    this.estimate = opts.estimate ?? ((x: T) => estimateSize(x));
  }

  /** Adds one record. */
  insert(x: T): void {
    if (this.done) throw new SluiceError('ExternalSorter: insert after sortedBatches()');
    this.buf.push(x);
    if (this.inserted++ % SAMPLE_EVERY === 0) {
      this.sampledBytes += this.estimate(x);
      this.samples++;
      this.avg = this.sampledBytes / this.samples;
    }
    const need = this.buf.length * (this.avg + 8); // + 8: the array slot
    if (!this.res.ensure(need) && (this.buf.length >= MIN_SPILL_RECORDS || need >= MIN_SPILL_BYTES)) this.spill();
  }

  /** Adds every record of `batch`. */
  insertAll(batch: readonly T[]): void {
    for (const x of batch) this.insert(x);
  }

  /** True once anything was written to disk. */
  get spilled(): boolean {
    return this.spills > 0;
  }

  /**
   * Yields all records in `compare` order, in batches of `batchSize`. Run files
   * are deleted and the reservation released when the generator finishes, throws
   * or is returned early. Call once.
   */
  *sortedBatches(batchSize = 4096): Generator<T[]> {
    if (this.done) throw new SluiceError('ExternalSorter: sortedBatches() called twice');
    this.done = true;
    try {
      this.buf.sort(this.opts.compare);
      if (this.runs.length === 0) {
        for (let i = 0; i < this.buf.length; i += batchSize) yield this.buf.slice(i, i + batchSize);
        return;
      }
      const { compare, spillDir } = this.opts;
      // this.runs always lists exactly the live run files (reduceFanIn keeps it so), hence dispose() cleans up.
      reduceFanIn<T>(this.runs, spillDir, this.format, (srcs) => mergeSortedBatches(srcs, compare, 4096));
      const sources: Iterator<T[]>[] = this.runs.map((p) => readRun(this.format, p) as Generator<T[]>);
      sources.push(sliceBatches(this.buf, this.avg));
      yield* mergeSortedBatches(sources, compare, batchSize);
    } finally {
      this.dispose();
    }
  }

  /** Deletes run files and releases memory without producing output (e.g. the task failed before sortedBatches). */
  dispose(): void {
    this.done = true;
    for (const p of this.runs) rmSync(p, { force: true });
    this.runs.length = 0;
    this.buf = [];
    this.res.releaseAll();
  }

  private spill(): void {
    this.buf.sort(this.opts.compare);
    const { bytes, path } = writeRun(this.format, this.opts.spillDir, 'sort-run', sliceBatches(this.buf, this.avg));
    this.runs.push(path);
    this.buf = [];
    this.res.releaseAll();
    this.spills++;
    this.spilledBytes += bytes;
    if (this.opts.metrics) {
      this.opts.metrics.spills++;
      this.opts.metrics.spilledBytes += bytes;
    }
  }
}
