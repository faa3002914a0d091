import type { ComputeSpec } from '../../plan/node.js';
import type { WireNode } from '../../plan/stages.js';
import { attribute } from '../user-function-error.js';
import { BATCH_SIZE, records, type Batches } from '../batch.js';
import type { TaskContext } from '../task-context.js';

/** mapPartitions(WithIndex): the user function takes the partition's iterator and returns an iterable. */
export function* mapPartitionsOp(node: WireNode, spec: Extract<ComputeSpec, { kind: 'mapPartitions' }>, input: Batches, ctx: TaskContext): Generator<unknown[]> {
  const { f, env } = ctx.fn(spec.fn);
  let out: Iterable<unknown>;
  try {
    out = (spec.withIndex ? f(ctx.partition, records(input), env) : f(records(input), env)) as Iterable<unknown>;
    if (out == null || typeof (out as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`${node.op} must return an iterable (an array or a generator), got ${out === null ? 'null' : typeof out}`);
    }
  } catch (e) {
    throw attribute(e, node.op, node.site);
  }
  const it = out[Symbol.iterator]();
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
