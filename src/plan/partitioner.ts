import { compareKeys, hashKey } from '../serde/keys.js';
import { mixSeed } from '../util/random.js';
import { checkPartitionCount } from '../util/partition-count.js';

/**
 * Partitioners decide which reduce partition a record goes to in a shuffle.
 * They are plain data so that map tasks on any worker agree on the placement.
 */
export type PartitionerSpec =
  | { kind: 'hash'; numPartitions: number }
  /** `bounds` are the upper bounds of partitions 0..n-2, sorted ascending; filled in from a sample before the job runs. */
  | { kind: 'range'; numPartitions: number; ascending: boolean; bounds?: unknown[] }
  /** Spreads records evenly without looking at them (repartition). */
  | { kind: 'roundRobin'; numPartitions: number };

/** Partitions pair records by a hash of their key (Spark's HashPartitioner). */
export class HashPartitioner {
  readonly spec: PartitionerSpec;
  constructor(numPartitions: number) {
    this.spec = { kind: 'hash', numPartitions: checkPartitionCount(numPartitions, 'HashPartitioner') };
  }
}

/**
 * Partitions pair records into key ranges, so that partition i holds keys less than those of partition i+1.
 * Without `bounds`, the bounds are computed from a sample of the keys when the job runs.
 */
export class RangePartitioner {
  readonly spec: PartitionerSpec;
  constructor(numPartitions: number, opts: { ascending?: boolean; bounds?: unknown[] } = {}) {
    this.spec = { kind: 'range', numPartitions: checkPartitionCount(numPartitions, 'RangePartitioner'), ascending: opts.ascending ?? true, bounds: opts.bounds };
  }
}

export type Partitioner = HashPartitioner | RangePartitioner;

export function samePartitioner(a: PartitionerSpec | undefined, b: PartitionerSpec | undefined): boolean {
  if (!a || !b || a.kind !== b.kind || a.numPartitions !== b.numPartitions) return false;
  return a.kind === 'hash';
}

/**
 * The function a map task uses to place a key. Range partitioning binary-searches
 * the sampled bounds; descending order mirrors the ascending placement.
 */
export function partitionFn(spec: PartitionerSpec, mapPartition = 0): (key: unknown) => number {
  const n = spec.numPartitions;
  if (n === 1) return () => 0;
  switch (spec.kind) {
    case 'hash':
      return (key) => hashKey(key) % n;
    case 'roundRobin': {
      // Start each map task at a different reducer so small partitions still spread.
      let next = mixSeed(0x5eed, mapPartition) % n;
      return () => {
        const p = next;
        next = next + 1 === n ? 0 : next + 1;
        return p;
      };
    }
    case 'range': {
      const bounds = spec.bounds;
      if (!bounds) throw new Error('internal: range partitioner bounds were not computed before the job');
      const asc = (key: unknown): number => {
        let lo = 0;
        let hi = bounds.length;
        while (lo < hi) {
          const mid = (lo + hi) >>> 1;
          if (compareKeys(bounds[mid], key) < 0) lo = mid + 1;
          else hi = mid;
        }
        return lo;
      };
      return spec.ascending ? asc : (key) => n - 1 - asc(key);
    }
  }
}
