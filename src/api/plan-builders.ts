import type { AggSpec, ComputeSpec, PlanNode } from '../plan/node.js';
import type { PartitionerSpec } from '../plan/partitioner.js';
import { shipFunction, withConcurrency } from '../serde/ship-function.js';
import type { FnSpec } from '../serde/function-spec.js';
import { userCallSite } from '../util/call-site.js';
import { SluiceError } from '../util/errors.js';
import type { AsyncOptions } from './types.js';
import { IdSource } from '../driver/id-source.js';

export { IdSource };

/** Ships a user function for operator `op`, checking its free variables now, at the call site. */
export function ship(fn: Function, env: object | undefined, op: string, opts?: AsyncOptions): FnSpec {
  return withConcurrency(shipFunction(fn, env as Record<string, unknown> | undefined, op, userCallSite()), opts?.concurrency);
}

/** A node with one narrow parent and the same partitioning. */
export function narrowNode(ids: IdSource, parent: PlanNode, op: string, compute: ComputeSpec, keepsPartitioner = false): PlanNode {
  return {
    id: ids.nodeId(),
    op,
    site: userCallSite(),
    numPartitions: parent.numPartitions,
    compute,
    deps: [{ type: 'narrow', node: parent }],
    partitioner: keepsPartitioner ? parent.partitioner : undefined,
  };
}

/** A source node (no parents). */
export function sourceNode(ids: IdSource, op: string, numPartitions: number, compute: ComputeSpec): PlanNode {
  return { id: ids.nodeId(), op, site: userCallSite(), numPartitions, compute, deps: [] };
}

/**
 * A node after a shuffle of each parent by `partitioner`: the map side optionally
 * combines per key, the reduce side runs `compute` over what it reads.
 */
export function shuffleNode(
  ids: IdSource,
  parents: PlanNode[],
  op: string,
  partitioner: PartitionerSpec,
  compute: ComputeSpec,
  mapSideCombine?: AggSpec,
): PlanNode {
  const site = userCallSite();
  return {
    id: ids.nodeId(),
    op,
    site,
    numPartitions: partitioner.numPartitions,
    compute,
    deps: parents.map((node) => ({ type: 'shuffle', node, shuffle: { shuffleId: ids.shuffleId(), partitioner, mapSideCombine, op, site } })),
    partitioner: partitioner.kind === 'hash' ? partitioner : undefined,
  };
}
