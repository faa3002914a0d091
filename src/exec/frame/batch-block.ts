import { decodeIpc } from '../../frame/batch/ipc.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import { BlockWriter, freeBlock, type LocalBlock } from '../block-store.js';
import { readBlockPartition } from '../exchange/read-chunks.js';
import type { MemoryBudget } from '../memory-budget.js';
import type { Metrics } from '../../util/metrics.js';
import { SharedDictGroup } from './shared-dict-group.js';

/** Rows per IPC stream: batches sharing dictionaries (one partition's scan) write them once. */
const GROUP_ROWS = 1 << 22;

/**
 * Column batches kept in a block of the worker's store (memory within the
 * budget, disk past it), as IPC streams whose batches share dictionaries.
 * Used by cached frame partitions and by the awaited columns of async UDFs.
 */
export class BatchBlockWriter {
  private readonly writer: BlockWriter;
  private readonly group: SharedDictGroup;

  constructor(
    private readonly budget: MemoryBudget,
    spillDir: string,
    private readonly metrics: Pick<Metrics, 'spills' | 'spilledBytes'>,
  ) {
    this.writer = new BlockWriter({ numPartitions: 1, budget, spillDir });
    this.group = new SharedDictGroup(GROUP_ROWS, (ipc) => this.writer.add(0, ipc));
  }

  add(b: ColumnBatch): void {
    this.group.add(b);
  }

  /** The block with every batch added (`complete`), or nothing: an incomplete block is freed. */
  finish(complete: boolean): LocalBlock | undefined {
    try {
      if (complete) this.group.flush();
    } catch (e) {
      this.writer.abort(); // a failed last write (a full disk) must not keep the block's reservation
      throw e;
    }
    const block = this.writer.finish();
    if (this.writer.spilledBytes > 0) {
      this.metrics.spills++;
      this.metrics.spilledBytes += this.writer.spilledBytes;
    }
    if (complete) return block;
    freeBlock(block, this.budget);
    return undefined;
  }
}

/** The batches of a block written by BatchBlockWriter. */
export function* readBatchBlock(ref: LocalBlock): Generator<ColumnBatch> {
  for (const chunk of readBlockPartition(ref, 0)) yield* decodeIpc(chunk);
}
