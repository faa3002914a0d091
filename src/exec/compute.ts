import type { FnSpec } from '../serde/function-spec.js';
import { encodeBatch, decodeBatch } from '../serde/record-codec.js';
import { narrowInputs } from '../plan/node.js';
import { postOrder, type WireNode } from '../plan/stages.js';
import { aggFnSpecs } from './aggregator-fns.js';
import type { Batches } from './batch.js';
import { BlockWriter, freeBlock, readBlockPartition } from './block-store.js';
import { fusedOps, fusedSink, isFusable, type Sink } from './operators/fused.js';
import { mapPartitionsOp } from './operators/narrow.js';
import { sampleOp, zipWithIndexOp } from './operators/sample.js';
import { parallelizeSource, rangeSource } from './operators/sources.js';
import { readShuffle, reduceSide } from './shuffle-read.js';
import { sourceReader } from './io-registry.js';
import type { TaskContext } from './task-context.js';
import { frameFns, frameRecords, setRecordCompute } from './frame/frame-task.js';
import { storedCut } from './deep-lineage.js';

/**
 * Computes partition `p` of `node` as a lazy stream of batches: the narrow
 * operators of a stage fuse into one pass, each pulling batches from its parent.
 */
export function compute(node: WireNode, p: number, ctx: TaskContext): Batches {
  const cut = ctx.cuts.size > 0 ? storedCut(node, p, ctx) : undefined;
  if (cut) return cut;
  if (node.cached) return cachedCompute(node, p, ctx);
  return computeUncached(node, p, ctx);
}

function computeUncached(node: WireNode, p: number, ctx: TaskContext): Batches {
  const c = node.compute;
  const input = (): Batches => narrowInput(node, p, ctx);
  switch (c.kind) {
    case 'parallelize':
      return parallelizeSource(c, p);
    case 'range':
      return rangeSource(c, p, node.numPartitions);
    case 'map':
    case 'filter':
    case 'flatMap':
    case 'mapValues':
    case 'flatMapValues':
    case 'keyBy':
    case 'keys':
    case 'values':
    case 'identity':
      return fusedChain(node, p, ctx);
    case 'mapPartitions':
      return mapPartitionsOp(node, c, input(), ctx);
    case 'sample':
      return sampleOp(c, p, input());
    case 'zipWithIndex':
      return zipWithIndexOp(c, p, input());
    case 'union':
    case 'coalesce':
      return input();
    case 'shuffleRead':
    case 'combineByKey':
    case 'cogroup':
    case 'sortByKey':
      return reduceSide(node, c, ctx, (d) => {
        const dep = node.deps[d]!;
        return dep.type === 'shuffle' ? readShuffle(dep, p, ctx) : compute(dep.node, p, ctx);
      });
    case 'frame':
      throw new Error(`internal: frame stage ${node.id} read as records; wrap it in frameRecords`);
    case 'frameRecords': {
      const dep = node.deps[0]!;
      if (dep.type !== 'narrow') throw new Error('internal: frameRecords expects a narrow frame parent');
      return frameRecords(dep.node, p, ctx);
    }
    default: {
      const reader = sourceReader(c.kind);
      if (!reader) throw new Error(`internal: no reader registered for source ${c.kind} on this worker`);
      return reader(c, p, ctx);
    }
  }
}

// Frame stages read Dataset parents through the record engine.
setRecordCompute(compute);

/**
 * A run of record operators down to the first one that is not (or is cached)
 * becomes fused loops of at most FUSE_LIMIT operators each: a record passes
 * through one nested call per operator, so a chain of thousands must be cut
 * (batches flow between the pieces) to fit on the stack.
 */
function fusedChain(top: WireNode, p: number, ctx: TaskContext): Batches {
  const { chain, base } = fusable(top);
  let batches = compute(base, p, ctx);
  for (let i = 0; i < chain.length; i += FUSE_LIMIT) batches = fusedOps(chain.slice(i, i + FUSE_LIMIT), batches, ctx);
  return batches;
}

/** Operators fused into one loop at most (see fusedChain). */
const FUSE_LIMIT = 256;

export function fusable(top: WireNode): { chain: WireNode[]; base: WireNode } {
  const chain = [top];
  let base = (top.deps[0] as { node: WireNode }).node;
  while (isFusable(base) && !base.cached) {
    chain.push(base);
    base = (base.deps[0] as { node: WireNode }).node;
  }
  return { chain: chain.reverse(), base };
}

/**
 * Pushes every record of partition `p` into `sink`. A stage ending in record
 * operators pushes straight from its input batches through the fused chain into
 * the consumer (a shuffle write), with no batch arrays in between.
 */
export function computeInto(node: WireNode, p: number, ctx: TaskContext, sink: Sink): void {
  if (!node.cached && isFusable(node)) {
    const { chain, base } = fusable(node);
    // The last FUSE_LIMIT operators push into the sink; any before them run as fused batch loops.
    const cut = Math.max(0, chain.length - FUSE_LIMIT);
    let batches = compute(base, p, ctx);
    for (let i = 0; i < cut; i += FUSE_LIMIT) batches = fusedOps(chain.slice(i, Math.min(i + FUSE_LIMIT, cut)), batches, ctx);
    const first = fusedSink(chain.slice(cut), sink, ctx);
    for (const b of batches) for (let i = 0; i < b.length; i++) first(b[i]);
    return;
  }
  for (const b of compute(node, p, ctx)) for (let i = 0; i < b.length; i++) sink(b[i]);
}

/** The concatenated narrow inputs of partition p (one parent partition, or several for coalesce). */
function* narrowInput(node: WireNode, p: number, ctx: TaskContext): Generator<unknown[]> {
  const counts = node.deps.map((d) => (d.type === 'narrow' ? d.node.numPartitions : d.numMaps));
  const inputs = narrowInputs(node.compute, counts, p);
  for (const [d, q] of inputs) {
    const dep = node.deps[d]!;
    if (dep.type !== 'narrow') throw new Error(`internal: ${node.op} expects a narrow dependency`);
    yield* compute(dep.node, q, ctx);
  }
}

/**
 * A cached node: read the partition from the block store if it is there;
 * otherwise compute it and keep an encoded copy as it streams past. A consumer
 * that stops early (take) leaves an incomplete copy, which is dropped.
 */
function* cachedCompute(node: WireNode, p: number, ctx: TaskContext): Generator<unknown[]> {
  const cache = partitionCache(node, p, ctx);
  if ('stored' in cache) {
    yield* cache.stored;
    return;
  }
  let complete = false;
  try {
    for (const b of computeUncached(node, p, ctx)) {
      cache.keep(b);
      yield b;
    }
    complete = true;
  } finally {
    cache.end(complete);
  }
}

/**
 * A cached node's partition: its stored batches, or a copy to keep of the
 * batches computed now (registered by `end(true)`, dropped by `end(false)`).
 */
export function partitionCache(
  node: WireNode,
  p: number,
  ctx: TaskContext,
): { stored: Iterable<unknown[]> } | { keep(b: unknown[]): void; end(complete: boolean): void } {
  const ref = ctx.payload.cachedBlocks[`${node.id}:${p}`];
  if (ref) return { stored: (function* () { for (const chunk of readBlockPartition(ref, 0)) yield decodeBatch(chunk); })() };
  const writer = new BlockWriter({ numPartitions: 1, budget: ctx.budget, spillDir: ctx.spillDir });
  return {
    keep: (b) => writer.add(0, encodeBatch(b)),
    end: (complete) => {
      const block = writer.finish();
      if (complete) ctx.cacheBlocks.push({ nodeId: node.id, partition: p, ref: block });
      else freeBlock(block, ctx.budget);
    },
  };
}

/** Every user function in a stage's pipeline, to compile and resolve before the task starts. */
export function pipelineFns(node: WireNode, out: FnSpec[] = []): FnSpec[] {
  for (const n of postOrder(node, narrowParents)) {
    const c = n.compute;
    if ('fn' in c) out.push(c.fn);
    if (c.kind === 'combineByKey') out.push(...aggFnSpecs(c.agg));
    if (c.kind === 'frame') frameFns(n, out);
  }
  return out;
}

/** A node's parents in its own stage (through narrow dependencies). */
export function narrowParents(n: WireNode): WireNode[] {
  return n.deps.flatMap((d) => (d.type === 'narrow' ? [d.node] : []));
}
