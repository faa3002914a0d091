import type { FnSpec } from '../serde/function-spec.js';
import type { WireNode } from '../plan/stages.js';
import type { ShuffleSpec } from '../plan/node.js';
import type { BlockRef, BlockRegion, HeldBytes } from './block-ref.js';
import type { Metrics } from '../util/metrics.js';

/** What a task does with the records of its partition at the end of the pipeline. */
export type TaskOutput =
  | { kind: 'shuffleWrite'; shuffle: ShuffleSpec }
  | { kind: 'result'; action: ActionSpec };

/** The per-partition half of an action; the driver combines the partition results. */
export type ActionSpec =
  | { kind: 'collect' }
  | { kind: 'count' }
  | { kind: 'take'; n: number }
  | { kind: 'takeOrdered'; n: number; compare?: FnSpec; descending: boolean }
  | { kind: 'reduce'; fn: FnSpec }
  | { kind: 'fold'; zero: unknown; fn: FnSpec }
  | { kind: 'aggregate'; zero: unknown; seqOp: FnSpec; combOp: FnSpec }
  | { kind: 'foreach'; fn: FnSpec }
  | { kind: 'foreachPartition'; fn: FnSpec }
  /** `records`: the record codec's batches in checksummed frames (checkpoint files). */
  | { kind: 'save'; format: 'text' | 'jsonLines' | 'records'; tempDir: string }
  /** A reservoir sample of keys (pair datasets) for range partitioning, with the partition's record count. */
  | { kind: 'sampleKeys'; size: number; seed: number }
  /** DataFrames: the partition's batches as Arrow IPC chunks (at most `limit` rows when set). */
  | { kind: 'frameCollect'; limit?: number }
  /** DataFrames: the partition's rows written as files under tempDir (committed by the driver). */
  | { kind: 'frameWrite'; format: 'csv' | 'jsonLines' | 'parquet' | 'arrow'; tempDir: string; options: Record<string, unknown> };

/** Everything a worker needs to run one task. Plain data, with no memory in it: sent to any worker as is. */
export interface TaskPayload {
  taskId: number;
  jobId: number;
  stageId: number;
  partition: number;
  attempt: number;
  node: WireNode;
  output: TaskOutput;
  /**
   * For each shuffle partition this task reads, keyed by {@link sliceKey}: where
   * its data is in the map outputs. Only this task's partitions: a payload with
   * every map output's index would make a shuffle cost P^2 per stage.
   */
  shuffleInputs: Record<string, ShuffleSlice>;
  /** Partitions of the stage's cached nodes this task may read, already in the block store, keyed `${nodeId}:${partition}`. */
  cachedBlocks: Record<string, BlockRef>;
  /** Broadcast values the functions may use, by broadcast id (encoded once). */
  broadcasts: Record<number, BlockRef>;
  /** Where the worker writes spill and block files. */
  spillDir: string;
}

/** One reduce partition of one shuffle as a task reads it. */
export interface ShuffleSlice {
  /** The non-empty regions of this partition in the map outputs, by ascending map partition. */
  pieces: Array<BlockRegion & { map: number }>;
  /** A map output the driver does not hold (lost): reading fails with a fetch failure naming it. */
  missing?: number;
  /** Records in the partition, when every map output counted them (frame shuffles). */
  rows?: number;
}

/** The key of partition `partition` of shuffle `shuffleId` in {@link TaskPayload.shuffleInputs}. */
export function sliceKey(shuffleId: number, partition: number): string {
  return `${shuffleId}:${partition}`;
}

export interface TaskResult {
  /** The action's partition result (small values), or undefined. */
  value?: unknown;
  /** Encoded records (collect, take), moved without copying. */
  records?: Uint8Array;
  mapOutput?: BlockRef;
  /** Partitions of cached nodes computed by this task. */
  cacheBlocks: Array<{ nodeId: number; partition: number; ref: BlockRef }>;
  /** Accumulator updates of this attempt, applied by the driver only if the attempt is accepted. */
  accumulators: Array<[number, number | unknown[]]>;
  metrics: Metrics;
  /** What the worker's store holds after this task (memory and disk). */
  held: HeldBytes;
}
