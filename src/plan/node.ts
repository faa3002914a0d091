import type { FnSpec } from '../serde/function-spec.js';
import type { CallSite } from '../util/errors.js';
import type { PartitionerSpec } from './partitioner.js';

/**
 * Lineage: a Dataset is an immutable PlanNode. Everything a worker needs to
 * compute a partition is plain data (functions travel as FnSpec), so a stage's
 * nodes can be posted to another thread or process as they are.
 */
export interface PlanNode {
  id: number;
  /** Operator name for plans, progress and errors (`map`, `reduceByKey`...). */
  op: string;
  site?: CallSite;
  numPartitions: number;
  compute: ComputeSpec;
  deps: Dep[];
  /** Known partitioning of the output (pair datasets after a hash shuffle). */
  partitioner?: PartitionerSpec;
  /** Set by cache()/persist(): computed partitions are kept in the block store. */
  cached?: boolean;
}

/** Narrow dependencies keep a task inside its stage; shuffle dependencies cut stages. */
export type Dep = { type: 'narrow'; node: PlanNode } | { type: 'shuffle'; node: PlanNode; shuffle: ShuffleSpec };

/** How map tasks write a shuffle. */
export interface ShuffleSpec {
  shuffleId: number;
  partitioner: PartitionerSpec;
  /** Combine values per key before writing (reduceByKey and friends); records are then [key, combiner]. */
  mapSideCombine?: AggSpec;
  /** The operator that reads this shuffle (`reduceByKey`...) and where it was defined: map-side errors are its errors. */
  op?: string;
  site?: CallSite;
  /**
   * Set for DataFrame stages: rows travel as Arrow IPC column batches, placed by
   * this partitioning (a frame/physical FramePartitioning; opaque to this layer).
   */
  frame?: unknown;
}

/** Per-key aggregation: how values become combiners and combiners merge (Spark's Aggregator). */
export type AggSpec =
  | { kind: 'reduce'; fn: FnSpec }
  | { kind: 'fold'; zero: unknown; fn: FnSpec }
  | { kind: 'aggregate'; zero: unknown; seqOp: FnSpec; combOp: FnSpec }
  | { kind: 'combine'; create: FnSpec; mergeValue: FnSpec; mergeCombiners: FnSpec }
  /** groupByKey: the combiner is the array of values. */
  | { kind: 'group' }
  /** Built-in numeric sum (countByKey, countByValue). */
  | { kind: 'sum' };

/** What computing one partition of a node means; one variant per operator family. */
/** Where one parallelize slice is: a region of a driver-owned block (the shape of exec's BlockRegion). */
export interface SliceRef {
  blockId: string;
  worker: string;
  start: number;
  end: number;
}

export type ComputeSpec =
  // sources
  /** Each partition's encoded records: a region of a block the driver stores (null when empty). */
  | { kind: 'parallelize'; slices: Array<SliceRef | null> }
  | { kind: 'range'; start: number; end: number; step: number }
  | { kind: 'textFile'; splits: TextSplitSpec[] }
  | { kind: 'jsonLines'; splits: TextSplitSpec[]; mode: 'failfast' | 'permissive'; droppedAccumulator?: number }
  /** A checkpoint: partition p's records are in `paths[p]` (written by the `records` sink). */
  | { kind: 'recordFiles'; paths: string[] }
  // narrow, one parent partition per partition
  | { kind: 'map' | 'filter' | 'flatMap' | 'mapValues' | 'flatMapValues' | 'keyBy'; fn: FnSpec }
  | { kind: 'mapPartitions'; fn: FnSpec; withIndex: boolean }
  | { kind: 'keys' | 'values' | 'identity' }
  | { kind: 'sample'; withReplacement: boolean; fraction: number; seed: number }
  /** offsets[i] = index of the first record of partition i; filled in by a counting job before the job runs. */
  | { kind: 'zipWithIndex'; offsets?: number[] }
  // narrow, other partition mappings
  | { kind: 'union' }
  | { kind: 'coalesce'; groups: number[][] }
  // after a shuffle
  | { kind: 'shuffleRead' }
  | { kind: 'combineByKey'; agg: AggSpec; mapSideCombined: boolean }
  | { kind: 'cogroup' }
  | { kind: 'sortByKey'; ascending: boolean }
  // DataFrames: a stage of columnar operators (a frame/physical PhysOp tree, opaque to this layer)
  | { kind: 'frame'; root: unknown }
  /** The rows of a frame node (narrow dependency 0) as plain records: DataFrame.toDataset(). */
  | { kind: 'frameRecords' };

/** A byte range of a text file, as io/text-splits plans it and io/line-reader reads it. */
export interface TextSplitSpec {
  /** Absolute path of the file. */
  path: string;
  /** First byte of the range (inclusive). */
  start: number;
  /** End of the range (exclusive). For gzip files, the whole file: `[0, fileSize)`. */
  end: number;
  /** True for `.gz` files, which cannot be split and are read whole by one task. */
  gzip: boolean;
  /** Size of the file in bytes when the splits were planned. */
  fileSize: number;
  /** Directories the file opened must lie in (SQL's sqlFileAccess.allow, resolved); absent: any. */
  confine?: readonly string[];
}

/**
 * Which parent partitions partition `p` reads, as `[depIndex, parentPartition]`
 * pairs, given the partition counts of the node's narrow parents.
 */
export function narrowInputs(compute: ComputeSpec, parentPartitions: number[], p: number): Array<[number, number]> {
  if (compute.kind === 'union') {
    let rest = p;
    for (let d = 0; d < parentPartitions.length; d++) {
      const n = parentPartitions[d]!;
      if (rest < n) return [[d, rest]];
      rest -= n;
    }
    throw new RangeError(`partition ${p} out of range for a union of ${parentPartitions.join(' + ')} partitions`);
  }
  if (compute.kind === 'coalesce') return (compute.groups[p] ?? []).map((q) => [0, q] as [number, number]);
  return parentPartitions.map((_, d) => [d, p] as [number, number]);
}
