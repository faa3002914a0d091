import { narrowInputs } from '../plan/node.js';
import { postOrder, type WireNode } from '../plan/stages.js';
import type { Batches } from './batch.js';
import { freeBlock } from './block-store.js';
import { decodeChunks, recordFormat } from './exchange/chunk-format.js';
import { BatchBlockWriter } from './exchange/exchange-writer.js';
import { readBlockPartition } from './exchange/read-chunks.js';
import { isFusable } from './operators/fused.js';
import type { TaskContext } from './task-context.js';

/**
 * A stage's operators pull batches from their parents: each operator that is
 * not fused (mapPartitions, sample, union, coalesce, ...) adds a few nested
 * generator frames to every pull, so a chain of thousands overflows the stack.
 * Such a chain is cut into pieces of at most LEVELS of them: before the task's
 * own pull starts, the partitions at the cuts are computed bottom-up, each on a
 * shallow stack, and kept as blocks (encoded, within the memory budget, spilled
 * past it); compute() then reads a cut from its block. Only chains deeper than
 * LEVELS pay this; their records cross a cut encoded, as they cross a cache.
 */

/** Nested non-fused operators one piece may hold. */
const LEVELS = 200;
/** Fused operators run as loops cut every 256 (see compute's fusedChain): they count this fraction of a level. */
const FUSED_LEVEL = 1 / 64;

interface Part {
  node: WireNode;
  p: number;
  parents?: Part[];
}

const key = (node: WireNode, p: number): string => `${node.id}:${p}`;

/**
 * Computes and stores the cuts of partition `p` of `top`'s lineage in this
 * stage (none for a lineage shallower than LEVELS); release them with
 * {@link releaseCuts} once the task is over.
 */
export function computeCuts(top: WireNode, p: number, ctx: TaskContext, compute: (n: WireNode, p: number, ctx: TaskContext) => Batches): void {
  const parts = new Map<string, Part>();
  const part = (node: WireNode, q: number): Part => {
    let x = parts.get(key(node, q));
    if (!x) parts.set(key(node, q), (x = { node, p: q }));
    return x;
  };
  const parentsOf = (x: Part): Part[] => (x.parents ??= narrowParentParts(x, ctx, part));
  const root = part(top, p);
  const height = new Map<Part, number>();
  const cuts: Part[] = [];
  for (const x of postOrder(root, parentsOf)) {
    let h = 0;
    for (const y of x.parents!) h = Math.max(h, height.get(y)!);
    h += isFusable(x.node) ? FUSED_LEVEL : 1;
    // A fused node is computed with its whole chain (from the chain's base), so cuts fall between chains.
    if (h >= LEVELS && x !== root && !isFusable(x.node)) {
      cuts.push(x);
      h = 0;
    }
    height.set(x, h);
  }
  // Bottom first: each cut is computed over the (already stored) cuts below it.
  for (const x of cuts) {
    const writer = new BatchBlockWriter(recordFormat, ctx);
    try {
      for (const b of compute(x.node, x.p, ctx)) writer.add(b);
    } catch (e) {
      writer.abort();
      throw e;
    }
    ctx.cuts.set(key(x.node, x.p), writer.keep(true)!);
  }
}

/** The narrow parent partitions partition `x.p` of `x.node` reads in this stage. */
function narrowParentParts(x: Part, ctx: TaskContext, part: (n: WireNode, q: number) => Part): Part[] {
  const n = x.node;
  // A stored cached partition is read, not computed; a frame stage runs its own operators.
  if ((n.cached && ctx.payload.cachedBlocks[key(n, x.p)]) || n.compute.kind === 'frame' || n.compute.kind === 'frameRecords') return [];
  const counts = n.deps.map((d) => (d.type === 'narrow' ? d.node.numPartitions : d.numMaps));
  const out: Part[] = [];
  for (const [d, q] of narrowInputs(n.compute, counts, x.p)) {
    const dep = n.deps[d]!;
    if (dep.type === 'narrow') out.push(part(dep.node, q));
  }
  return out;
}

/** Partition `p` of `node` when it is a stored cut. */
export function storedCut(node: WireNode, p: number, ctx: TaskContext): Batches | undefined {
  const ref = ctx.cuts.get(key(node, p));
  return ref && decodeChunks(recordFormat, readBlockPartition(ref, 0));
}

/** Frees the task's stored cuts. */
export function releaseCuts(ctx: TaskContext): void {
  for (const ref of ctx.cuts.values()) freeBlock(ref, ctx.budget);
  ctx.cuts.clear();
}
