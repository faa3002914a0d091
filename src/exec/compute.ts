import type { FnSpec } from '../serde/function-spec.js';
import { encodeBatch, decodeBatch } from '../serde/record-codec.js';
import { postOrder, type WireNode } from '../plan/stages.js';
import { aggFnSpecs } from './aggregator-fns.js';
import type { Batches } from './batch.js';
import { BatchBlockWriter } from './exchange/exchange-writer.js';
import { decodeChunks, recordFormat } from './exchange/chunk-format.js';
import { fusable, fusedOps, fusedSink, FUSE_LIMIT, isFusable, type Sink } from './operators/fused.js';
import { mapPartitionsOp } from './operators/narrow.js';
import { pipelineOp, type PipelinePath } from './pipeline-ops.js';
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
  return pipelineOp(node, p, syncPath(ctx));
}

/** The synchronous path: each operator a lazy iterable pulling batches from its parent. */
function syncPath(ctx: TaskContext): PipelinePath<Batches> {
  return {
    compute: (n, q) => compute(n, q, ctx),
    fuse: (chain, input) => fusedOps(chain, input, ctx),
    mapPartitions: (node, spec, _p, input) => mapPartitionsOp(node, spec, input(), ctx),
    whole: (input, op) => op(input()),
    // Lazy, as every operator here: nothing under a node is computed until its batches are pulled.
    concat: (inputs) => concat(inputs),
    frameRecords: (frame, p) => frameRecords(frame, p, ctx),
    other: (node, p) => sourceOrShuffle(node, p, ctx),
  };
}

function* concat(inputs: Array<() => Batches>): Generator<unknown[]> {
  for (const input of inputs) yield* input();
}

function sourceOrShuffle(node: WireNode, p: number, ctx: TaskContext): Batches {
  const c = node.compute;
  switch (c.kind) {
    case 'parallelize':
      return parallelizeSource(c, p, ctx);
    case 'range':
      return rangeSource(c, p, node.numPartitions);
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
  const ref = ctx.cachedRef(node.id, p);
  if (ref) return { stored: decodeChunks(recordFormat, ctx.readWhole(ref, { kind: 'cached', key: `${node.id}:${p}` })) };
  const writer = new BatchBlockWriter(recordFormat, ctx);
  return {
    keep: (b) => writer.add(b),
    end: (complete) => {
      const stored = writer.commit(complete);
      if (stored) ctx.cacheBlocks.push({ nodeId: node.id, partition: p, ref: stored });
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
