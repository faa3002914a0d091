import type { BlockRef, BlockRegion, HeldBytes, LocalRegion } from './block-ref.js';
import type { MemoryBudget } from './memory-budget.js';

/**
 * What a worker gives the tasks it runs, whatever the backend: its own block store, and a
 * fetcher for blocks of other workers. A task never sees how bytes travel (shared memory
 * between threads, sockets between processes, TCP between machines).
 */
export interface WorkerServices {
  readonly worker: string;
  readonly store: BlockStore;
  readonly fetcher: BlockFetcher;
}

/**
 * One worker's blocks: memory first, its disk past its budget, a checksum per block.
 * Budgets live here, in the worker; the driver frees a block by telling its owner.
 */
export interface BlockStore {
  /** The worker's memory budget: operators reserve from it, memory blocks stay reserved until freed. */
  readonly budget: MemoryBudget;
  /** Stores a finished block written as encoded partitions (see BlockWriter) and returns its reference. */
  put(block: StoredBlock): BlockRef;
  /** The bytes of `[start, end)` of one of this worker's blocks, read without copying where possible. */
  read(blockId: string, start: number, end: number): LocalRegion;
  /** Frees blocks (unknown ids are ignored: a free may cross a loss). */
  free(blockIds: readonly string[]): void;
  held(): HeldBytes;
}

/** A block as its writer finished it, before the store indexes it. */
export interface StoredBlock {
  numPartitions: number;
  parts: number[];
  offsets: number[];
  rows?: number[];
  bytes: number;
  /** In memory (reserved from the store's budget by the writer) or already spilled to a file. */
  data: { kind: 'memory'; chunks: Uint8Array[] } | { kind: 'file'; path: string };
}

/**
 * Makes regions of any worker's blocks readable here. Remote regions are fetched from many
 * owners at once, pipelined, under a bound on bytes in flight; what does not fit in memory
 * lands in a local file. A region that cannot be fetched (owner lost, block gone, timeout)
 * rejects with a {@link FetchError} naming it, which the task turns into a fetch failure.
 */
export interface BlockFetcher {
  localize(regions: readonly BlockRegion[]): Promise<LocalRegion[]>;
}

/** A region could not be fetched: the scheduler recomputes the block from lineage. */
export class FetchError extends Error {
  constructor(
    readonly region: BlockRegion,
    readonly reason: string,
  ) {
    super(`could not fetch block ${region.blockId} from ${region.worker}: ${reason}`);
    this.name = 'FetchError';
  }
}
