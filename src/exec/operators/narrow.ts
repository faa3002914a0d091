import type { ComputeSpec } from '../../plan/node.js';
import type { WireNode } from '../../plan/stages.js';
import { attribute } from '../user-function-error.js';
import { BATCH_SIZE, records, type Batches } from '../batch.js';
import type { TaskContext } from '../task-context.js';
import { AsyncResultSeen, isThenable } from '../async-calls.js';
import { guardAsync } from '../guard.js';

type MapPartitionsSpec = Extract<ComputeSpec, { kind: 'mapPartitions' }>;

const isAsyncIterable = (v: unknown): v is AsyncIterable<unknown> =>
  v != null && typeof (v as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';

/** mapPartitions(WithIndex): the user function takes the partition's iterator and returns an iterable. */
export function* mapPartitionsOp(node: WireNode, spec: MapPartitionsSpec, input: Batches, ctx: TaskContext): Generator<unknown[]> {
  const { f, env, key } = ctx.fn(spec.fn);
  let out: unknown;
  try {
    out = spec.withIndex ? f(ctx.partition, records(input), env) : f(records(input), env);
  } catch (e) {
    throw attribute(e, node.op, node.site);
  }
  if (isThenable(out) || isAsyncIterable(out)) throw new AsyncResultSeen(key, node.op, node.site, out);
  yield* batchesOf(out, node);
}

/** The records of an iterable the user returned, in batches, its errors attributed. */
function* batchesOf(out: unknown, node: WireNode): Generator<unknown[]> {
  if (out == null || typeof (out as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    const got = out === null ? 'null' : typeof out;
    throw attribute(new TypeError(`${node.op} must return an iterable (an array or a generator), got ${got}`), node.op, node.site);
  }
  const it = (out as Iterable<unknown>)[Symbol.iterator]();
  const cut = new BatchCutter();
  for (let r = pull(it, node); !r.done; r = pull(it, node)) {
    const full = cut.push(r.value);
    if (full) yield full;
  }
  yield* cut.rest();
}

/** The next value of the user's iterator (sync or async); what it throws or rejects with is the operator's error. */
function pull<R>(it: { next(): R }, node: WireNode): R {
  let r: R;
  try {
    r = it.next();
  } catch (e) {
    throw attribute(e, node.op, node.site);
  }
  if (!isThenable(r)) return r;
  return Promise.resolve(r).catch((e: unknown) => {
    throw attribute(e, node.op, node.site);
  }) as R;
}

/** Records cut into batches of BATCH_SIZE as they come: `push` hands back each batch that fills. */
class BatchCutter {
  private batch: unknown[] = [];
  push(x: unknown): unknown[] | undefined {
    this.batch.push(x);
    if (this.batch.length < BATCH_SIZE) return undefined;
    const full = this.batch;
    this.batch = [];
    return full;
  }
  /** The last, partly filled batch (none when empty). */
  rest(): unknown[][] {
    return this.batch.length ? [this.batch] : [];
  }
}

/**
 * mapPartitions on the async path: the function may also return a promise (of an
 * array or iterable) or an async iterable (an async generator). It still gets a
 * synchronous iterator: over its parent lazily when the parent is synchronous,
 * over the gathered partition when the parent itself has async functions.
 */
export async function* mapPartitionsAsync(node: WireNode, spec: MapPartitionsSpec, input: Promise<Batches>, ctx: TaskContext): AsyncGenerator<unknown[]> {
  const call = guardAsync(ctx.fn(spec.fn), node.op, node.site);
  const recs = records(await input);
  const out = await (spec.withIndex ? call(ctx.partition, recs) : call(recs));
  if (!isAsyncIterable(out)) {
    yield* batchesOf(out, node);
    return;
  }
  const it = out[Symbol.asyncIterator]();
  const cut = new BatchCutter();
  for (let r = await pull(it, node); !r.done; r = await pull(it, node)) {
    const full = cut.push(r.value);
    if (full) yield full;
  }
  yield* cut.rest();
}
