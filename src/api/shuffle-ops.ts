import type { AggSpec, PlanNode } from '../plan/node.js';
import type { PartitionerSpec } from '../plan/partitioner.js';
import { samePartitioner } from '../plan/partitioner.js';
import { ship, shuffleNode, narrowNode, type IdSource } from './plan-builders.js';
import { checkPartitionCount } from '../util/partition-count.js';

/**
 * Builders for the shuffle operators. Per-key aggregations combine map-side
 * (Spark disables that only for groupByKey, where it saves nothing).
 */
export function combineByKeyNode(ids: IdSource, parent: PlanNode, op: string, agg: AggSpec, numPartitions: number, mapSideCombine = true): PlanNode {
  const part: PartitionerSpec = { kind: 'hash', numPartitions: checkPartitionCount(numPartitions, op) };
  return shuffleNode(ids, [parent], op, part, { kind: 'combineByKey', agg, mapSideCombined: mapSideCombine }, mapSideCombine ? agg : undefined);
}

/**
 * Groups several pair datasets by key. A parent already hash-partitioned the
 * same way (a cached `partitionBy`, a previous reduceByKey) is read through a
 * narrow dependency, partition to partition, instead of being shuffled again.
 */
export function cogroupNode(ids: IdSource, parents: PlanNode[], op: string, numPartitions: number): PlanNode {
  const part: PartitionerSpec = { kind: 'hash', numPartitions: checkPartitionCount(numPartitions, op) };
  const node = shuffleNode(ids, parents, op, part, { kind: 'cogroup' });
  node.deps = node.deps.map((d) => (samePartitioner(d.node.partitioner, part) ? { type: 'narrow', node: d.node } : d));
  return node;
}

/** The flatMapValues function that turns cogrouped [vs, ws] into joined pairs of one join type. */
export function joinNode(ids: IdSource, left: PlanNode, right: PlanNode, how: 'inner' | 'left' | 'right' | 'full', numPartitions: number): PlanNode {
  const op = how === 'inner' ? 'join' : `${how}OuterJoin`;
  checkPartitionCount(numPartitions, op);
  const grouped = cogroupNode(ids, [left, right], 'cogroup', numPartitions);
  // Shipped like user code: self-contained, the join type comes through env.
  const fn = ship(
    (g: [unknown[], unknown[]], env: { how: string }) => {
      let [vs, ws] = g;
      if (!vs.length && (env.how === 'right' || env.how === 'full')) vs = [undefined];
      if (!ws.length && (env.how === 'left' || env.how === 'full')) ws = [undefined];
      const out: unknown[] = [];
      for (const v of vs) for (const w of ws) out.push([v, w]);
      return out;
    },
    { how },
    op,
  );
  return narrowNode(ids, grouped, op, { kind: 'flatMapValues', fn }, true);
}

/** partitionBy: a plain shuffle by the partitioner, skipped when the data is already partitioned that way. */
export function partitionByNode(ids: IdSource, parent: PlanNode, part: PartitionerSpec): PlanNode {
  if (samePartitioner(parent.partitioner, part)) return parent;
  const node = shuffleNode(ids, [parent], 'partitionBy', part, { kind: 'shuffleRead' });
  node.partitioner = part;
  return node;
}

export function sortByKeyNode(ids: IdSource, parent: PlanNode, ascending: boolean, numPartitions: number): PlanNode {
  return shuffleNode(ids, [parent], 'sortByKey', { kind: 'range', numPartitions: checkPartitionCount(numPartitions, 'sortByKey'), ascending }, { kind: 'sortByKey', ascending });
}

export function repartitionNode(ids: IdSource, parent: PlanNode, numPartitions: number, call = 'repartition'): PlanNode {
  return shuffleNode(ids, [parent], 'repartition', { kind: 'roundRobin', numPartitions: checkPartitionCount(numPartitions, call) }, { kind: 'shuffleRead' });
}

/** coalesce without a shuffle: each new partition reads a contiguous run of parent partitions. */
export function coalesceNode(ids: IdSource, parent: PlanNode, numPartitions: number): PlanNode {
  const n = Math.min(checkPartitionCount(numPartitions, 'coalesce'), parent.numPartitions);
  const groups: number[][] = Array.from({ length: n }, () => []);
  for (let p = 0; p < parent.numPartitions; p++) groups[Math.floor((p * n) / parent.numPartitions)]!.push(p);
  return { ...narrowNode(ids, parent, 'coalesce', { kind: 'coalesce', groups }), numPartitions: n };
}
