import { blockReadable, freeBlock, type BlockRef } from '../exec/block-store.js';
import type { MemoryBudget } from '../exec/memory-budget.js';

interface Stored {
  ref: BlockRef;
  /** Whose budget holds the block's memory. */
  budget?: MemoryBudget;
}

/**
 * The driver's index of stored blocks: shuffle map outputs by (shuffle, map
 * partition) and cached partitions by (node, partition). Replacing or dropping
 * an entry frees the block (memory reservation or file).
 */
export class BlockRegistry {
  private readonly shuffles = new Map<number, Array<Stored | undefined>>();
  private readonly cached = new Map<number, Array<Stored | undefined>>();

  /** `onFree`: told of every block this registry frees (the driver reuses their memory). */
  constructor(private readonly onFree: (ref: BlockRef) => void = () => {}) {}

  putMapOutput(shuffleId: number, mapPartition: number, ref: BlockRef, budget?: MemoryBudget): void {
    this.put(this.shuffles, shuffleId, mapPartition, { ref, budget });
  }

  dropMapOutput(shuffleId: number, mapPartition: number): void {
    this.drop(this.shuffles, shuffleId, mapPartition);
  }

  /** Frees every map output of a shuffle that will not be read again. */
  dropShuffle(shuffleId: number): void {
    for (const s of this.shuffles.get(shuffleId) ?? []) if (s) this.free(s);
    this.shuffles.delete(shuffleId);
  }

  mapOutputs(shuffleId: number): BlockRef[] {
    return (this.shuffles.get(shuffleId) ?? []).map((s) => s?.ref) as BlockRef[];
  }

  /** Map partitions of a shuffle whose stored output can no longer be read (file gone or corrupt). */
  lostMapOutputs(shuffleId: number): number[] {
    const lost: number[] = [];
    (this.shuffles.get(shuffleId) ?? []).forEach((s, p) => {
      if (s && !blockReadable(s.ref)) lost.push(p);
    });
    return lost;
  }

  /** Keeps the first copy of a cached partition; a later duplicate is freed. */
  putCached(nodeId: number, partition: number, ref: BlockRef, budget?: MemoryBudget): void {
    if (this.cachedRef(nodeId, partition)) this.free({ ref, budget });
    else this.put(this.cached, nodeId, partition, { ref, budget });
  }

  cachedRef(nodeId: number, partition: number): BlockRef | undefined {
    return this.cached.get(nodeId)?.[partition]?.ref;
  }

  isFullyCached(nodeId: number, numPartitions: number): boolean {
    const parts = this.cached.get(nodeId);
    if (!parts) return false;
    for (let p = 0; p < numPartitions; p++) if (!parts[p]) return false;
    return true;
  }

  uncache(nodeId: number): void {
    for (const s of this.cached.get(nodeId) ?? []) if (s) this.free(s);
    this.cached.delete(nodeId);
  }

  /** A worker restarted with a new budget: its stored blocks now count against that one. */
  moveBudget(from: MemoryBudget, to: MemoryBudget): void {
    for (const table of [this.shuffles, this.cached]) {
      for (const parts of table.values()) {
        for (const s of parts) {
          if (s?.budget !== from) continue;
          if (s.ref.kind === 'memory') to.tryReserve(s.ref.bytes);
          s.budget = to;
        }
      }
    }
  }

  /** Frees everything (session stop). */
  clear(): void {
    for (const table of [this.shuffles, this.cached]) {
      for (const parts of table.values()) for (const s of parts) if (s) freeBlock(s.ref, s.budget);
      table.clear();
    }
  }

  private free(s: Stored): void {
    freeBlock(s.ref, s.budget);
    this.onFree(s.ref);
  }

  private put(table: Map<number, Array<Stored | undefined>>, id: number, p: number, s: Stored): void {
    let parts = table.get(id);
    if (!parts) table.set(id, (parts = []));
    const old = parts[p];
    if (old && old.ref !== s.ref) this.free(old);
    parts[p] = s;
  }

  private drop(table: Map<number, Array<Stored | undefined>>, id: number, p: number): void {
    const parts = table.get(id);
    const old = parts?.[p];
    if (old) this.free(old);
    if (parts) parts[p] = undefined;
  }
}
