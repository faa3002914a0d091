import type { ComputeSpec } from '../plan/node.js';
import { narrowInputs } from '../plan/node.js';
import type { WireNode } from '../plan/stages.js';
import type { Batches } from './batch.js';
import { fusable, FUSABLE_KINDS, FUSE_LIMIT } from './operators/fused.js';
import { sampleOp, zipWithIndexOp } from './operators/sample.js';

type MapPartitionsSpec = Extract<ComputeSpec, { kind: 'mapPartitions' }>;

/**
 * How one way of running a stage's record pipeline does each thing: the
 * synchronous path (iterables of batches, one pass) or the async path (async
 * iterables, awaiting user functions). `pipelineOp` is the one switch over
 * operator kinds both paths share.
 */
export interface PipelinePath<B> {
  /** Partition p of a node (cached or not) on this path. */
  compute(node: WireNode, p: number): B;
  /** A chain of at most FUSE_LIMIT record operators over `input`. */
  fuse(chain: WireNode[], input: B): B;
  mapPartitions(node: WireNode, spec: MapPartitionsSpec, p: number, input: () => B): B;
  /** An operator over its narrow input as one iterable (sample, zipWithIndex). */
  whole(input: () => B, op: (input: Batches) => Batches): B;
  /** Inputs one after the other (union, coalesce). */
  concat(inputs: Array<() => B>): B;
  /** Records of the frame node `frame` (DataFrame.toDataset). */
  frameRecords(frame: WireNode, p: number): B;
  /** What the switch does not cover: sources and shuffle reads. */
  other(node: WireNode, p: number): B;
}

/** Partition p of a node that is not read from the cache, on `path`. */
export function pipelineOp<B>(node: WireNode, p: number, path: PipelinePath<B>): B {
  const c = node.compute;
  const input = (): B => path.concat(narrowInputsOf(node, p).map(([n, q]) => () => path.compute(n, q)));
  if (FUSABLE_KINDS.has(c.kind)) {
    // A record passes through one nested call per fused operator: a chain of thousands is cut (batches flow between the pieces).
    const { chain, base } = fusable(node);
    let batches = path.compute(base, p);
    for (let i = 0; i < chain.length; i += FUSE_LIMIT) batches = path.fuse(chain.slice(i, i + FUSE_LIMIT), batches);
    return batches;
  }
  switch (c.kind) {
    case 'mapPartitions':
      return path.mapPartitions(node, c, p, input);
    case 'sample':
      return path.whole(input, (all) => sampleOp(c, p, all));
    case 'zipWithIndex':
      return path.whole(input, (all) => zipWithIndexOp(c, p, all));
    case 'union':
    case 'coalesce':
      return input();
    case 'frameRecords': {
      const dep = node.deps[0]!;
      if (dep.type !== 'narrow') throw new Error('internal: frameRecords expects a narrow frame parent');
      return path.frameRecords(dep.node, p);
    }
    default:
      return path.other(node, p);
  }
}

/** The narrow parents partition p reads, in order: one parent partition, or several for coalesce and union. */
function narrowInputsOf(node: WireNode, p: number): Array<[WireNode, number]> {
  const counts = node.deps.map((d) => (d.type === 'narrow' ? d.node.numPartitions : d.numMaps));
  return narrowInputs(node.compute, counts, p).map(([d, q]) => {
    const dep = node.deps[d]!;
    if (dep.type !== 'narrow') throw new Error(`internal: ${node.op} expects a narrow dependency`);
    return [dep.node, q];
  });
}
