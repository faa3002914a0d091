import { partPosition, regionAt, type BlockRef } from '../exec/block-ref.js';
import type { ShuffleSlice } from '../exec/task.js';

interface Stored {
  ref: BlockRef;
}

/**
 * The map outputs of one shuffle, and for each reduce partition the map outputs
 * that hold data for it: a reduce task's slice is then found without looking at
 * every map output (which would make a shuffle's bookkeeping P^2).
 */
class ShuffleOutputs {
  readonly outputs: Array<Stored | undefined> = [];
  /** Map outputs present. */
  count = 0;
  /** Map outputs present that did not count their rows. */
  uncounted = 0;
  /** Reduce partition → map partitions whose output has data for it (in no particular order). */
  readonly readers = new Map<number, number[]>();

  add(m: number, ref: BlockRef): void {
    this.count++;
    if (!ref.rows) this.uncounted++;
    for (const p of ref.parts) {
      const maps = this.readers.get(p);
      if (maps) maps.push(m);
      else this.readers.set(p, [m]);
    }
  }

  remove(m: number, ref: BlockRef): void {
    this.count--;
    if (!ref.rows) this.uncounted--;
    for (const p of ref.parts) {
      const maps = this.readers.get(p)!;
      maps.splice(maps.indexOf(m), 1);
      if (maps.length === 0) this.readers.delete(p);
    }
  }
}

/**
 * The driver's index of stored blocks: shuffle map outputs by (shuffle, map
 * partition) and cached partitions by (node, partition), each with the worker
 * that holds it. Replacing or dropping an entry frees the block: `onFree` tells
 * its owner (the driver never holds a worker's bytes).
 */
export class BlockRegistry {
  private readonly shuffles = new Map<number, ShuffleOutputs>();
  private readonly cached = new Map<number, Array<Stored | undefined>>();

  /** `onFree`: told of every block this registry drops, to free it at its owner. */
  constructor(private readonly onFree: (ref: BlockRef) => void = () => {}) {}

  putMapOutput(shuffleId: number, mapPartition: number, ref: BlockRef): void {
    let sh = this.shuffles.get(shuffleId);
    if (!sh) this.shuffles.set(shuffleId, (sh = new ShuffleOutputs()));
    const old = sh.outputs[mapPartition];
    if (old?.ref === ref) return;
    if (old) {
      sh.remove(mapPartition, old.ref);
      this.free(old);
    }
    sh.outputs[mapPartition] = { ref };
    sh.add(mapPartition, ref);
  }

  dropMapOutput(shuffleId: number, mapPartition: number): void {
    const sh = this.shuffles.get(shuffleId);
    const old = sh?.outputs[mapPartition];
    if (!sh || !old) return;
    sh.remove(mapPartition, old.ref);
    sh.outputs[mapPartition] = undefined;
    this.free(old);
  }

  /** Frees every map output of a shuffle that will not be read again. */
  dropShuffle(shuffleId: number): void {
    for (const s of this.shuffles.get(shuffleId)?.outputs ?? []) if (s) this.free(s);
    this.shuffles.delete(shuffleId);
  }

  /**
   * What a reduce task reads of partition `partition` of a shuffle with `numMaps`
   * map outputs: the regions of the outputs holding data for it, in map order.
   * Costs what the partition holds, not numMaps (except when an output is missing).
   */
  shuffleSlice(shuffleId: number, numMaps: number, partition: number): ShuffleSlice {
    const sh = this.shuffles.get(shuffleId);
    if (!sh || sh.count < numMaps) {
      let missing = 0;
      while (missing < numMaps - 1 && sh?.outputs[missing]) missing++;
      return { pieces: [], missing };
    }
    const maps = [...(sh.readers.get(partition) ?? [])].sort((a, b) => a - b);
    let rows = 0;
    const pieces = maps.map((m) => {
      const ref = sh.outputs[m]!.ref;
      const region = regionAt(ref, partPosition(ref, partition));
      rows += region.rows ?? 0;
      return { ...region, map: m };
    });
    return sh.uncounted === 0 ? { pieces, rows } : { pieces };
  }

  /** Keeps the first copy of a cached partition; a later duplicate is freed. */
  putCached(nodeId: number, partition: number, ref: BlockRef): void {
    if (this.cachedRef(nodeId, partition)) this.free({ ref });
    else this.put(this.cached, nodeId, partition, { ref });
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

  /** A cached partition was lost with its worker: forget it (nothing to free, its owner is gone). */
  forgetCached(nodeId: number, partition: number): void {
    const parts = this.cached.get(nodeId);
    if (parts?.[partition]) parts[partition] = undefined;
  }

  uncache(nodeId: number): void {
    for (const s of this.cached.get(nodeId) ?? []) if (s) this.free(s);
    this.cached.delete(nodeId);
  }

  /** Forgets everything without freeing (session stop: the workers and their stores are gone). */
  clear(): void {
    this.shuffles.clear();
    this.cached.clear();
  }

  private free(s: Stored): void {
    this.onFree(s.ref);
  }

  private put(table: Map<number, Array<Stored | undefined>>, id: number, p: number, s: Stored): void {
    let parts = table.get(id);
    if (!parts) table.set(id, (parts = []));
    const old = parts[p];
    if (old && old.ref !== s.ref) this.free(old);
    parts[p] = s;
  }
}

