/**
 * The exchange core: how every stored run of data moves between tasks, for both engines.
 *
 * Contract
 * - Write: a task writes partitioned chunks (encoded batches) with {@link ExchangeWriter}: per
 *   output partition, into ONE block of its worker's store, in memory while the worker's budget
 *   grants the bytes and spilled to a file on the worker's disk past it, every frame checksummed
 *   on disk. A shuffle map output has one partition per reducer; a cached partition, a deep
 *   lineage's cut, awaited UDF columns, a parallelize slice and a broadcast have one. The block
 *   is committed to the store (a {@link BlockRef} anyone may be sent) or kept by the task
 *   (a LocalBlock it frees itself). A failed writer is aborted: memory back, files deleted.
 * - Read: a partition is a stream of chunks from wherever its block lives: the worker's memory
 *   or disk, or another worker's, landed here as it is fetched (region-landing.ts: memory within
 *   a budget, a file past it, so a reduce larger than memory never sits in memory). See
 *   read-chunks.ts.
 * - Failures: a region that cannot be fetched or read (missing block, corrupt checksum, dead
 *   owner, timeout) is mapped in one place, fetch-failures.ts, to the scheduler's fetch-failed
 *   event (shuffle) or to what the task does instead (recompute a cached partition, fail).
 * - Formats sit on top (chunk-format.ts): the record codec for Datasets, Arrow IPC for
 *   DataFrames. Nothing below a format knows which engine wrote a chunk. The same formats carry
 *   collect-like actions' results back to the driver (packChunks) and operators' own spill runs
 *   (spill-runs.ts: sorts, aggregations, joins of both engines).
 */
import type { BlockRef } from '../block-ref.js';
import { BlockWriter, toStored, type LocalBlock } from '../block-store.js';
import type { MemoryBudget } from '../memory-budget.js';
import type { Payload } from '../spill-file.js';
import type { BlockStore, StoredBlock } from '../worker-services.js';
import type { Metrics } from '../../util/metrics.js';
import type { ChunkFormat } from './chunk-format.js';

/** Where a writer's block goes and what it is charged to: a task (its TaskContext) or the driver. */
export interface BlockHome {
  readonly budget: MemoryBudget;
  readonly spillDir: string;
  store(block: StoredBlock): BlockRef;
  /** Spills are counted here when given. */
  readonly metrics?: Pick<Metrics, 'spills' | 'spilledBytes'>;
}

/** Partitioned chunks into one block of the worker's store (see the contract above). */
export class ExchangeWriter {
  private readonly writer: BlockWriter;

  constructor(
    private readonly home: BlockHome,
    numPartitions: number,
  ) {
    this.writer = new BlockWriter({ numPartitions, budget: home.budget, spillDir: home.spillDir });
  }

  /** Adds one encoded chunk to `partition`; `rows`: the records it holds, if counted. */
  add(partition: number, chunk: Payload, rows?: number): void {
    this.writer.add(partition, chunk, rows);
  }

  /** Seals the block into the worker's store; it is the worker's until the driver frees it. */
  commit(): BlockRef {
    return this.home.store(toStored(this.keep()));
  }

  /** Seals the block for this task alone (free it with freeBlock and the home's budget). */
  keep(): LocalBlock {
    const block = this.writer.finish();
    const spilled = this.writer.spilledBytes;
    const m = this.home.metrics;
    if (m && spilled > 0) {
      m.spills++;
      m.spilledBytes += spilled;
    }
    return block;
  }

  /** Drops everything written (the task failed): memory back, spill files deleted. */
  abort(): void {
    this.writer.abort();
  }
}

/**
 * Batches of one engine kept in a one-partition block as they stream past: a cached partition,
 * a deep lineage's cut, the awaited columns of async UDFs.
 */
export class BatchBlockWriter<B> {
  private readonly writer: ExchangeWriter;
  private readonly encoder: ReturnType<ChunkFormat<B>['encoder']>;

  constructor(
    format: ChunkFormat<B>,
    private readonly home: BlockHome,
  ) {
    const writer = (this.writer = new ExchangeWriter(home, 1));
    this.encoder = format.encoder((chunk, rows) => writer.add(0, chunk, rows));
  }

  add(b: B): void {
    this.encoder.add(b);
  }

  /** The block with every batch added (`complete`), kept for the task, or nothing: an incomplete block is freed. */
  keep(complete: boolean): LocalBlock | undefined {
    // An incomplete block is dropped as it stands: sealing it (a copy, or a spill file copied) only to free it is waste.
    if (!complete) return void this.writer.abort();
    try {
      this.encoder.flush();
    } catch (e) {
      this.writer.abort(); // a failed last write (a full disk) must not keep the block's reservation
      throw e;
    }
    return this.writer.keep();
  }

  /** As {@link keep}, the complete block committed to the worker's store. */
  commit(complete: boolean): BlockRef | undefined {
    const block = this.keep(complete);
    return block && this.home.store(toStored(block));
  }

  /** Drops everything written (the task failed). */
  abort(): void {
    this.writer.abort();
  }
}

/** Stores one encoded chunk as a one-partition block of `store` (a parallelize slice, a broadcast value). */
export function storeChunk(store: BlockStore, spillDir: string, chunk: Uint8Array): BlockRef {
  const w = new ExchangeWriter({ budget: store.budget, spillDir, store: (b) => store.put(b) }, 1);
  try {
    w.add(0, chunk);
    return w.commit();
  } catch (e) {
    w.abort(); // a full disk while spilling it: memory back, files gone
    throw e;
  }
}
