/**
 * The contract of stored blocks, the same on every backend (threads, processes, machines).
 *
 * A block is one stored run of encoded partitions: a map task's shuffle output, a cached
 * partition, a broadcast value or a slice of `parallelize`. Only its owner holds its bytes,
 * in memory or on its disk. Everyone else (the driver, the scheduler, other workers) holds
 * a {@link BlockRef}: plain data that any process can be sent, that never carries memory.
 * Tasks read other workers' blocks through the {@link BlockFetcher} their backend supplies.
 */

/** A worker's id, as backends announce it (`worker-1`, `host:port#3`). The driver's own blocks use {@link DRIVER}. */
export type BlockOwner = string;

/** Owner of the blocks the driver stores itself (parallelize slices, broadcast values). */
export const DRIVER: BlockOwner = 'driver';

/**
 * Where a block is and what it holds, indexed sparsely: only partitions holding data are
 * listed, so a map output over P reduce partitions costs what it holds, not P. Partition
 * `parts[i]` (ascending) is the byte range `[offsets[i], offsets[i+1])` of the block; a
 * partition not listed is empty. `rows[i]`: records in `parts[i]`, when the writer counted
 * them. Plain data.
 */
export interface BlockRef {
  /** Unique in the session; chosen by the owner. */
  blockId: string;
  /** The worker that holds the bytes. */
  worker: BlockOwner;
  bytes: number;
  numPartitions: number;
  parts: number[];
  offsets: number[];
  rows?: number[];
}

/** One non-empty partition's byte range of a block: what a reading task asks its fetcher for. */
export interface BlockRegion {
  blockId: string;
  worker: BlockOwner;
  start: number;
  end: number;
  rows?: number;
}

/** A region made readable on this worker: bytes in its memory, or a byte range of a file on its disk. */
export type LocalRegion = { kind: 'bytes'; chunks: Uint8Array[] } | { kind: 'file'; path: string; start: number; end: number };

/** What a worker's block store holds: blocks, and their bytes in memory and on disk; reported with task results and heartbeats. */
export interface HeldBytes {
  blocks: number;
  memory: number;
  disk: number;
}

/** Nothing held. */
export function noneHeld(): HeldBytes {
  return { blocks: 0, memory: 0, disk: 0 };
}

/** A stored block as a tally counts it: memory blocks in memory, file blocks on disk. */
interface Tallied {
  source: { kind: string };
  bytes: number;
}

/** What a changing set of stored blocks comes to, kept as blocks come and go (not recounted per report). */
export class HeldTally {
  private readonly h = noneHeld();

  add(b: Tallied): void {
    this.h.blocks++;
    this.h[b.source.kind === 'memory' ? 'memory' : 'disk'] += b.bytes;
  }

  remove(b: Tallied): void {
    this.h.blocks--;
    this.h[b.source.kind === 'memory' ? 'memory' : 'disk'] -= b.bytes;
  }

  /** The totals now (a copy). */
  get(): HeldBytes {
    return { ...this.h };
  }
}

/** Where partition `p` is listed in a block's index (binary search), or -1 when it is empty. */
export function partPosition(ref: Pick<BlockRef, 'parts'>, p: number): number {
  const { parts } = ref;
  let lo = 0;
  let hi = parts.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (parts[mid]! < p) lo = mid + 1;
    else hi = mid;
  }
  return parts[lo] === p ? lo : -1;
}

/** The region of the i-th listed partition of a block. */
export function regionAt(ref: BlockRef, i: number): BlockRegion {
  const r: BlockRegion = { blockId: ref.blockId, worker: ref.worker, start: ref.offsets[i]!, end: ref.offsets[i + 1]! };
  if (ref.rows) r.rows = ref.rows[i];
  return r;
}

/** The region of partition `p` of a block, or undefined when it is empty. */
export function blockRegion(ref: BlockRef, p: number): BlockRegion | undefined {
  const i = partPosition(ref, p);
  return i < 0 ? undefined : regionAt(ref, i);
}
