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
  let batch: unknown[] = [];
  for (;;) {
    let r: IteratorResult<unknown>;
    try {
      r = it.next();
    } catch (e) {
      throw attribute(e, node.op, node.site);
    }
    if (r.done) break;
    batch.push(r.value);
    if (batch.length >= BATCH_SIZE) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
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
  let batch: unknown[] = [];
  for (;;) {
    let r: IteratorResult<unknown>;
    try {
      r = await it.next();
    } catch (e) {
      throw attribute(e, node.op, node.site);
    }
    if (r.done) break;
    batch.push(r.value);
    if (batch.length >= BATCH_SIZE) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
}
