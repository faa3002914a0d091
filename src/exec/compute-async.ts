import { postOrder, type WireNode } from '../plan/stages.js';
import { SluiceError } from '../util/errors.js';
import { compute, narrowParents, partitionCache } from './compute.js';
import { fusedOpsAsync } from './operators/fused-async.js';
import { mapPartitionsAsync } from './operators/narrow.js';
import { pipelineOp, type PipelinePath } from './pipeline-ops.js';
import { frameFns, frameRecordsAsync } from './frame/frame-task.js';
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
        const own = (AWAITING.has(c.kind) && 'fn' in c && ctx.isAsync(c.fn)) || (c.kind === 'frame' && frameFns(n).some((f) => ctx.isAsync(f)));
        memo.set(n, own || narrowParents(n).some((k) => memo.get(k)));
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
  return pipelineOp(node, p, asyncPath(ctx, isAsync));
}

/**
 * The async path: operators as async iterables. Operators that need their
 * input as one iterable (mapPartitions over an async parent, sample,
 * zipWithIndex) gather their partition first.
 */
function asyncPath(ctx: TaskContext, isAsync: (n: WireNode) => boolean): PipelinePath<AsyncBatches> {
  return {
    compute: (n, q) => computeNode(n, q, ctx, isAsync),
    fuse: (chain, input) => fusedOpsAsync(chain, input, ctx),
    mapPartitions: (node, spec, p, input) => {
      const dep = (node.deps[0] as { node: WireNode }).node;
      // A synchronous parent is handed to the function as a lazy iterator, as on the sync path.
      return mapPartitionsAsync(node, spec, isAsync(dep) ? gather(input()) : Promise.resolve(compute(dep, p, ctx)), ctx);
    },
    whole: (input, op) => fromGathered(input(), op),
    concat: (inputs) => concat(inputs),
    frameRecords: (frame, p) => frameRecordsAsync(frame, p, ctx),
    other: (node) => {
      throw new SluiceError(`${node.op} cannot yet read a parent computed with async functions in the same stage; add .cache() or a shuffle before it, or make the functions synchronous`);
    },
  };
}

async function* concat(inputs: Array<() => AsyncBatches>): AsyncGenerator<unknown[]> {
  for (const input of inputs) yield* input();
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

/** As compute's cachedCompute: read the cached partition, or compute it and keep a copy as it streams past. */
async function* cachedAsync(node: WireNode, p: number, ctx: TaskContext, isAsync: (n: WireNode) => boolean): AsyncGenerator<unknown[]> {
  const cache = partitionCache(node, p, ctx);
  if ('stored' in cache) {
    yield* cache.stored;
    return;
  }
  let complete = false;
  try {
    for await (const b of pipelineOp(node, p, asyncPath(ctx, isAsync))) {
      cache.keep(b);
      yield b;
    }
    complete = true;
  } finally {
    cache.end(complete);
  }
}
