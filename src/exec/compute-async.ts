import { narrowInputs } from '../plan/node.js';
import { postOrder, type WireNode } from '../plan/stages.js';
import { SluiceError } from '../util/errors.js';
import { compute, fusable, narrowParents, partitionCache } from './compute.js';
import { fusedOpsAsync } from './operators/fused-async.js';
import { mapPartitionsAsync } from './operators/narrow.js';
import { sampleOp, zipWithIndexOp } from './operators/sample.js';
import type { TaskContext } from './task-context.js';

export type AsyncBatches = AsyncIterable<unknown[]>;

/**
 * Partition `p` of `node` on the async path: the parts of the pipeline whose
 * functions are all synchronous run as in `compute` (one sync pass); operators
 * with async functions, and those above them in the stage, run as async
 * iterables. sample and zipWithIndex over async input gather their partition first.
 */
export function computeAsync(node: WireNode, p: number, ctx: TaskContext): AsyncBatches {
  const isAsync = asyncTest(ctx);
  return computeNode(node, p, ctx, isAsync);
}

/** Whether an operator that awaits its function, at or under `node` in its stage, has an async function. */
export function isAsyncPipeline(node: WireNode, ctx: TaskContext): boolean {
  return asyncTest(ctx)(node);
}

// Operators the async path awaits (the functions of others, e.g. combineByKey's, must be synchronous).
const AWAITING = new Set(['map', 'filter', 'flatMap', 'mapValues', 'flatMapValues', 'keyBy', 'mapPartitions']);

function asyncTest(ctx: TaskContext): (n: WireNode) => boolean {
  const memo = new Map<WireNode, boolean>();
  // Iterative (children first), not recursive: a stage may chain thousands of narrow operators.
  const unknownParents = (n: WireNode): WireNode[] => narrowParents(n).filter((k) => !memo.has(k));
  return (root) => {
    if (!memo.has(root)) {
      for (const n of postOrder(root, unknownParents)) {
        const c = n.compute;
        memo.set(n, (AWAITING.has(c.kind) && 'fn' in c && ctx.isAsync(c.fn)) || narrowParents(n).some((k) => memo.get(k)));
      }
    }
    return memo.get(root)!;
  };
}

async function* fromSync(batches: Iterable<unknown[]>): AsyncGenerator<unknown[]> {
  yield* batches;
}

function computeNode(node: WireNode, p: number, ctx: TaskContext, isAsync: (n: WireNode) => boolean): AsyncBatches {
  if (!isAsync(node)) return fromSync(compute(node, p, ctx));
  if (node.cached) return cachedAsync(node, p, ctx, isAsync);
  return uncached(node, p, ctx, isAsync);
}

function uncached(node: WireNode, p: number, ctx: TaskContext, isAsync: (n: WireNode) => boolean): AsyncBatches {
  const c = node.compute;
  const input = (): AsyncBatches => narrowInput(node, p, ctx, isAsync);
  switch (c.kind) {
    case 'map':
    case 'filter':
    case 'flatMap':
    case 'mapValues':
    case 'flatMapValues':
    case 'keyBy':
    case 'keys':
    case 'values':
    case 'identity': {
      const { chain, base } = fusable(node);
      return fusedOpsAsync(chain, computeNode(base, p, ctx, isAsync), ctx);
    }
    case 'mapPartitions': {
      const dep = (node.deps[0] as { node: WireNode }).node;
      // A synchronous parent is handed to the function as a lazy iterator, as on the sync path.
      return mapPartitionsAsync(node, c, isAsync(dep) ? gather(input()) : Promise.resolve(compute(dep, p, ctx)), ctx);
    }
    case 'sample':
      return fromGathered(input(), (all) => sampleOp(c, p, all));
    case 'zipWithIndex':
      return fromGathered(input(), (all) => zipWithIndexOp(c, p, all));
    case 'union':
    case 'coalesce':
      return input();
    default:
      throw new SluiceError(`${node.op} cannot yet read a parent computed with async functions in the same stage; add .cache() or a shuffle before it, or make the functions synchronous`);
  }
}

/** Every batch of `input`, for operators that need the whole partition. */
export async function gather(input: AsyncBatches): Promise<unknown[][]> {
  const all: unknown[][] = [];
  for await (const b of input) all.push(b);
  return all;
}

async function* fromGathered(input: AsyncBatches, op: (all: unknown[][]) => Iterable<unknown[]>): AsyncGenerator<unknown[]> {
  yield* op(await gather(input));
}

async function* narrowInput(node: WireNode, p: number, ctx: TaskContext, isAsync: (n: WireNode) => boolean): AsyncGenerator<unknown[]> {
  const counts = node.deps.map((d) => (d.type === 'narrow' ? d.node.numPartitions : d.numMaps));
  for (const [d, q] of narrowInputs(node.compute, counts, p)) {
    const dep = node.deps[d]!;
    if (dep.type !== 'narrow') throw new Error(`internal: ${node.op} expects a narrow dependency`);
    yield* computeNode(dep.node, q, ctx, isAsync);
  }
}

/** As compute's cachedCompute: read the cached partition, or compute it and keep a copy as it streams past. */
async function* cachedAsync(node: WireNode, p: number, ctx: TaskContext, isAsync: (n: WireNode) => boolean): AsyncGenerator<unknown[]> {
  const cache = partitionCache(node, p, ctx);
  if ('stored' in cache) {
    yield* cache.stored;
    return;
  }
  let complete = false;
  try {
    for await (const b of uncached(node, p, ctx, isAsync)) {
      cache.keep(b);
      yield b;
    }
    complete = true;
  } finally {
    cache.end(complete);
  }
}
