import { closeSync, openSync, readSync, rmSync } from 'node:fs';
import { SluiceError } from '../util/errors.js';
import type { MemoryBudget } from './memory-budget.js';
import { partPosition } from './block-ref.js';
import type { StoredBlock } from './worker-services.js';
import { SpillWriter, frameSize, payloadBytes, tempPath, writeFrameInto, type Payload } from './spill-file.js';

/**
 * Where one block's bytes are: a SharedArrayBuffer (shared, not copied, when
 * posted to another thread) or a file.
 */
export type BlockSource = { kind: 'memory'; buffer: SharedArrayBuffer } | { kind: 'file'; path: string };

/**
 * Where one map task's output lives, indexed sparsely: only partitions holding
 * data are listed, so a map output over P reduce partitions costs what it holds,
 * not P (P map outputs x P reducers would make every shuffle's bookkeeping P^2).
 * Partition `parts[i]` (ascending) is the frame-encoded region
 * `[offsets[i], offsets[i+1])`; a partition not listed is empty. `rows[i]`:
 * records in `parts[i]`, when the writer counted them (frame shuffles do, so
 * reduce tasks can size their tables). Plain data.
 */
export type LocalBlock = BlockSource & {
  bytes: number;
  numPartitions: number;
  parts: number[];
  offsets: number[];
  rows?: number[];
};

/** One non-empty partition's region of a local block. */
export type LocalBlockRegion = BlockSource & { start: number; end: number; rows?: number };

/** The region of partition `p` of a local block, or undefined when it is empty. */
export function blockRegion(ref: LocalBlock, p: number): LocalBlockRegion | undefined {
  const i = partPosition(ref, p);
  if (i < 0) return undefined;
  const where: BlockSource = ref.kind === 'memory' ? { kind: 'memory', buffer: ref.buffer } : { kind: 'file', path: ref.path };
  return { ...where, start: ref.offsets[i]!, end: ref.offsets[i + 1]!, rows: ref.rows?.[i] };
}

/** Options of {@link BlockWriter}. */
export interface BlockWriterOptions {
  numPartitions: number;
  /** Memory for buffered chunks is reserved here; refused reservations trigger a spill. */
  budget: MemoryBudget;
  /** Directory for spill and block files (created if missing). */
  spillDir: string;
}

interface Segment {
  offset: number;
  length: number;
}

const COPY_BUFFER = 256 * 1024;

/**
 * Buffers of freed memory blocks this thread may write new blocks into (the
 * driver hands them over with tasks, see BufferRecycler): reusing memory
 * already touched spares a page fault per 4 KiB. Ascending by size.
 */
const reusable: SharedArrayBuffer[] = [];
let reusableBytes = 0;

/**
 * Smaller buffers are not worth reusing: they spare a page fault or three, and a job of thousands of
 * tiny tasks frees thousands of them, which once made every task's payload carry thousands of
 * buffers and every block written search them all.
 */
export const MIN_REUSE_BYTES = 16 * 1024;

/** Index of the first reusable buffer of at least `bytes`. */
function firstAtLeast(bytes: number): number {
  let lo = 0;
  let hi = reusable.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (reusable[mid]!.byteLength < bytes) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Bytes of freed buffers kept for reuse (outside the budget, so bounded by
 * it): half of a budget of `budgetBytes`, at most 1 GiB. Per worker thread,
 * and on the driver for all its workers' budgets together. Half, not less:
 * a query run again (a dashboard, a benchmark, an iterative job) frees its
 * shuffle blocks and its previous answer's cache blocks, and h2o join q5 at
 * 1e7 rows needs about 0.8 GiB of them per worker to write its next run
 * into touched memory (a quarter kept 2 of its 12 blocks; a first touch of
 * fresh memory costs page faults, two to three times a copy on the VM measured).
 */
export function reuseCap(budgetBytes: number): number {
  return Math.min(1 << 30, Math.floor(budgetBytes / 2));
}
/** A reused buffer may exceed the block by this factor (the rest is unused). */
const REUSE_SLACK = 1.5;

/**
 * Takes buffers of freed blocks for later blocks on this thread (no reader may
 * still use them), up to `capBytes` held in all; the rest are left to the
 * garbage collector.
 */
export function offerBlockBuffers(buffers: readonly SharedArrayBuffer[], capBytes: number): void {
  for (const b of buffers) {
    if (b.byteLength < MIN_REUSE_BYTES || reusableBytes + b.byteLength > capBytes) continue;
    reusable.splice(firstAtLeast(b.byteLength), 0, b);
    reusableBytes += b.byteLength;
  }
}

/**
 * A new buffer's size: `bytes` rounded up to a sixteenth of its power of two
 * (at most 6.25 % unused, not counted against the budget), so that the next
 * run of a job, whose blocks come out a little larger or smaller, fits in it.
 */
export function sizeClass(bytes: number): number {
  if (bytes <= 65536) return bytes;
  const step = 2 ** (Math.floor(Math.log2(bytes)) - 4);
  return Math.ceil(bytes / step) * step;
}

/** Bytes of freed buffers this thread holds for reuse. */
export function reusableBlockBytes(): number {
  return reusableBytes;
}

/** Memory blocks written on this thread into reused buffers and into new ones. */
export const blockBufferStats = { reused: 0, fresh: 0 };

/** A buffer of at least `bytes`: the smallest reusable one that is not much larger, else a new one. */
function blockBuffer(bytes: number): SharedArrayBuffer {
  const best = firstAtLeast(bytes);
  if (best >= reusable.length || reusable[best]!.byteLength > bytes * REUSE_SLACK + 4096) {
    blockBufferStats.fresh++;
    return new SharedArrayBuffer(sizeClass(bytes));
  }
  blockBufferStats.reused++;
  const [b] = reusable.splice(best, 1);
  reusableBytes -= b!.byteLength;
  return b!;
}

/**
 * Collects one map task's encoded chunks per reduce partition. Chunks stay in
 * memory while the budget grants their bytes; when it refuses, every buffered
 * chunk is appended to this writer's spill file and its memory released, then
 * buffering resumes (so a later refusal spills again). The spill file
 * interleaves partitions, so `finish` rewrites it into a block file whose
 * partition regions are contiguous (skipped when the spill already is).
 * The writer keeps references to added chunks: do not mutate them afterwards.
 */
export class BlockWriter {
  /** Bytes (framed) written to the spill file so far. */
  spilledBytes = 0;
  private readonly numPartitions: number;
  private readonly budget: MemoryBudget;
  private readonly spillDir: string;
  /**
   * Per partition written to: its chunks in memory, its spill segments and rows.
   * Only partitions that got a chunk have an entry, so a map task over P reduce
   * partitions that writes to few of them does not pay for P.
   */
  private parts = new Map<number, PartState>();
  private reserved = 0;
  private spill: SpillWriter | null = null;
  private counted = false;
  private done = false;

  constructor(opts: BlockWriterOptions) {
    if (!Number.isInteger(opts.numPartitions) || opts.numPartitions < 0) {
      throw new SluiceError(`BlockWriter: invalid numPartitions ${opts.numPartitions}`);
    }
    this.numPartitions = opts.numPartitions;
    this.budget = opts.budget;
    this.spillDir = opts.spillDir;
  }

  /** Framed bytes currently buffered in memory (and reserved from the budget). */
  get memoryBytes(): number {
    return this.reserved;
  }

  /** Adds one encoded chunk (an encoded batch, whole or in pieces) to `partition`; `rows`: the records it holds, if counted. */
  add(partition: number, chunk: Payload, rows?: number): void {
    this.checkOpen();
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.numPartitions) {
      throw new SluiceError(`BlockWriter: partition ${partition} out of range [0, ${this.numPartitions})`);
    }
    let part = this.parts.get(partition);
    if (!part) this.parts.set(partition, (part = { mem: [], segments: [], rows: 0 }));
    if (rows !== undefined) {
      part.rows += rows;
      this.counted = true;
    }
    const size = frameSize(payloadBytes(chunk));
    if (!this.budget.tryReserve(size)) {
      this.spillBuffered();
      // Our own spill may have made room; otherwise this chunk goes straight to disk.
      if (!this.budget.tryReserve(size)) {
        this.appendToSpill(part, [chunk]);
        return;
      }
    }
    part.mem.push(chunk);
    this.reserved += size;
  }

  /**
   * Seals the block. Without a spill: one SharedArrayBuffer holding every
   * partition's frames; the reservation stays held for it until
   * {@link freeBlock}. With a spill: a file with contiguous per-partition
   * regions; all memory is released.
   */
  finish(): LocalBlock {
    this.checkOpen();
    this.done = true;
    try {
      return this.spill ? this.finishFile(this.spill) : this.finishMemory();
    } catch (e) {
      this.cleanup();
      throw e;
    }
  }

  /** Drops everything (task failed): releases memory and deletes the spill file. */
  abort(): void {
    this.done = true;
    this.cleanup();
  }

  /** Partitions written to, ascending. */
  private sortedParts(): Array<[number, PartState]> {
    return [...this.parts].sort((x, y) => x[0] - y[0]);
  }

  private finishMemory(): LocalBlock {
    const buffer = blockBuffer(this.reserved);
    const bytes = new Uint8Array(buffer);
    const index = new IndexBuilder();
    let at = 0;
    for (const [p, part] of this.sortedParts()) {
      const start = at;
      for (const chunk of part.mem) at = writeFrameInto(bytes, at, chunk);
      part.mem = []; // let chunks be collected as they are copied
      index.add(p, start, at, part.rows);
    }
    const ref: LocalBlock = { kind: 'memory', buffer, bytes: this.reserved, ...index.finish(this.numPartitions, at, this.counted) };
    this.reserved = 0; // now owned by the block
    return ref;
  }

  private finishFile(spill: SpillWriter): LocalBlock {
    const sorted = this.sortedParts();
    // Fast path: nothing left in memory and the spill file is already partition-ordered.
    if (this.reserved === 0) {
      const index = new IndexBuilder();
      let expected = 0;
      let ordered = true;
      for (const [p, part] of sorted) {
        const start = expected;
        for (const s of part.segments) {
          if (s.offset !== expected) ordered = false;
          expected += s.length;
        }
        if (!ordered) break;
        index.add(p, start, expected, part.rows);
      }
      if (ordered) {
        const { path, bytes } = spill.close();
        this.spill = null;
        return { kind: 'file', path, bytes, ...index.finish(this.numPartitions, expected, this.counted) };
      }
    }
    const { path: spillPath } = spill.close();
    const out = new SpillWriter(tempPath(this.spillDir, 'block'));
    const fd = openSync(spillPath, 'r');
    const buf = Buffer.allocUnsafe(COPY_BUFFER);
    const index = new IndexBuilder();
    try {
      for (const [p, part] of sorted) {
        const start = out.bytes;
        for (const s of part.segments) copyRange(fd, s, buf, out);
        for (const chunk of part.mem) out.append(chunk);
        part.mem = [];
        index.add(p, start, out.bytes, part.rows);
      }
    } catch (e) {
      out.abort();
      throw e;
    } finally {
      closeSync(fd);
    }
    const { path, bytes } = out.close();
    this.cleanup();
    return { kind: 'file', path, bytes, ...index.finish(this.numPartitions, bytes, this.counted) };
  }

  /** Moves every buffered chunk to the spill file, partition by partition, and releases its memory. */
  private spillBuffered(): void {
    if (this.reserved === 0) return;
    for (const [, part] of this.sortedParts()) {
      if (part.mem.length > 0) this.appendToSpill(part, part.mem);
      part.mem = [];
    }
    this.budget.release(this.reserved);
    this.reserved = 0;
  }

  private appendToSpill(part: PartState, chunks: readonly Payload[]): void {
    this.spill ??= new SpillWriter(tempPath(this.spillDir, 'block-spill'));
    const start = this.spill.bytes;
    for (const c of chunks) this.spill.append(c);
    const length = this.spill.bytes - start;
    this.spilledBytes += length;
    const segs = part.segments;
    const last = segs[segs.length - 1];
    // Coalesce with the previous segment of this partition when adjacent: fewer reads later.
    if (last && last.offset + last.length === start) last.length += length;
    else segs.push({ offset: start, length });
  }

  private cleanup(): void {
    for (const part of this.parts.values()) part.mem = [];
    this.budget.release(this.reserved);
    this.reserved = 0;
    this.spill?.abort();
    this.spill = null;
  }

  private checkOpen(): void {
    if (this.done) throw new SluiceError('BlockWriter: already finished');
  }
}

interface PartState {
  mem: Payload[];
  segments: Segment[];
  rows: number;
}

/** Builds a block's sparse partition index from regions given in ascending partition order. */
class IndexBuilder {
  private readonly parts: number[] = [];
  private readonly offsets: number[] = [];
  private readonly rows: number[] = [];

  /** Partition `p` is `[start, end)`; empty regions are left out. */
  add(p: number, start: number, end: number, rows: number): void {
    if (end === start) return;
    this.parts.push(p);
    this.offsets.push(start);
    this.rows.push(rows);
  }

  finish(numPartitions: number, end: number, counted: boolean): Pick<LocalBlock, 'numPartitions' | 'parts' | 'offsets' | 'rows'> {
    const offsets = [...this.offsets, end];
    return counted ? { numPartitions, parts: this.parts, offsets, rows: this.rows } : { numPartitions, parts: this.parts, offsets };
  }
}

function copyRange(fd: number, s: Segment, buf: Buffer, out: SpillWriter): void {
  let pos = s.offset;
  const end = s.offset + s.length;
  while (pos < end) {
    const got = readSync(fd, buf, 0, Math.min(buf.length, end - pos), pos);
    if (got === 0) throw new SluiceError(`BlockWriter: spill file ended early at byte ${pos}`);
    out.appendRaw(buf.subarray(0, got));
    pos += got;
  }
}

/**
 * Frees a block: a memory block gives its reservation back to `budget` (pass
 * the budget it was written with); a file block's file is deleted.
 */
export function freeBlock(ref: LocalBlock, budget?: MemoryBudget): void {
  if (ref.kind === 'memory') budget?.release(ref.bytes);
  else rmSync(ref.path, { force: true });
}

/** A finished local block as its worker's store takes it (see BlockStore.put). */
export function toStored(block: LocalBlock): StoredBlock {
  const { numPartitions, parts, offsets, rows, bytes } = block;
  const end = offsets[offsets.length - 1] ?? 0;
  const data: StoredBlock['data'] = block.kind === 'memory' ? { kind: 'memory', chunks: [new Uint8Array(block.buffer, 0, end)] } : { kind: 'file', path: block.path };
  return rows ? { numPartitions, parts, offsets, rows, bytes, data } : { numPartitions, parts, offsets, bytes, data };
}
