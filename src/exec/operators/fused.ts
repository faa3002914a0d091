import type { WireNode } from '../../plan/stages.js';
import { attribute } from '../user-function-error.js';
import { guard1 } from '../guard.js';
import { AsyncResultSeen } from '../async-calls.js';
import type { Batches } from '../batch.js';
import type { TaskContext } from '../task-context.js';

export type Sink = (x: unknown) => void;

const OUT_BATCH = 1024;

/** Operator kinds that run record at a time. */
export const FUSABLE_KINDS: ReadonlySet<string> = new Set(['map', 'filter', 'flatMap', 'mapValues', 'flatMapValues', 'keyBy', 'keys', 'values', 'identity']);

/** Record-at-a-time operators that fuse into one loop (no array between them). */
export function isFusable(node: WireNode): boolean {
  return FUSABLE_KINDS.has(node.compute.kind) && node.deps.length === 1 && node.deps[0]!.type === 'narrow';
}

/** Operators fused into one loop at most: a record passes through one nested call per operator, so longer chains are cut to fit on the stack. */
export const FUSE_LIMIT = 256;

/** The run of fusable operators ending at `top` (bottom first), down to the first one that is not (or is cached). */
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
 * Runs a chain of record operators (bottom first) as one push loop per input
 * batch: each operator calls the next one's function directly, so a record
 * crosses map → filter → flatMap without intermediate arrays (Spark's
 * whole-stage fusion, by closures rather than generated code). Each operator
 * catches only what its own user function throws; errors from operators after
 * it arrive already attributed and pass through.
 */
export function* fusedOps(chain: WireNode[], input: Batches, ctx: TaskContext): Generator<unknown[]> {
  let out: unknown[] = [];
  const first = fusedSink(chain, (x) => {
    out.push(x);
  }, ctx);
  for (const b of input) {
    for (let i = 0; i < b.length; i++) {
      first(b[i]);
      // Hand small batches on while they are young: short-lived records are cheap to collect.
      if (out.length >= OUT_BATCH) {
        yield out;
        out = [];
      }
    }
  }
  if (out.length) yield out;
}

/** The chain as one function: records pushed in come out of the last operator into `terminal`. */
export function fusedSink(chain: WireNode[], terminal: Sink, ctx: TaskContext): Sink {
  let sink = terminal;
  for (let i = chain.length - 1; i >= 0; i--) sink = stage(chain[i]!, sink, ctx);
  return sink;
}

function stage(node: WireNode, next: Sink, ctx: TaskContext): Sink {
  const c = node.compute;
  if (c.kind === 'keys') return (x) => next((x as unknown[])[0]);
  if (c.kind === 'values') return (x) => next((x as unknown[])[1]);
  if (c.kind === 'identity') return next;
  if (!('fn' in c)) throw new Error(`internal: ${c.kind} is not a record operator`);
  const { op, site } = node;
  const bound = ctx.fn(c.fn);
  const fail = (e: unknown): never => {
    // An async generator (from a function not declared async) needs the async path.
    if (e instanceof NotIterable && e.asyncIterable) throw new AsyncResultSeen(bound.key, op, site);
    throw attribute(e, op, site);
  };
  // Only the user's function is guarded: errors from operators further on pass through `next` untouched.
  const call = guard1(bound, op, site);
  switch (c.kind) {
    case 'map':
      return (x) => next(call(x));
    case 'filter':
      return (x) => {
        if (call(x)) next(x);
      };
    case 'keyBy':
      return (x) => next([call(x), x]);
    case 'mapValues':
      return (x) => next([(x as unknown[])[0], call((x as unknown[])[1])]);
    case 'flatMap':
      return (x) => emitAll(call(x) as Iterable<unknown>, next, fail);
    case 'flatMapValues':
      return (x) => {
        const k = (x as unknown[])[0];
        emitAll(call((x as unknown[])[1]) as Iterable<unknown>, (y) => next([k, y]), fail);
      };
    default:
      throw new Error(`internal: ${c.kind} is not a record operator`);
  }
}

/** Arrays by index (fast path); other iterables (generators) with user errors attributed. */
function emitAll(ys: Iterable<unknown>, next: Sink, fail: (e: unknown) => never): void {
  if (Array.isArray(ys)) {
    for (let i = 0; i < ys.length; i++) next(ys[i]);
    return;
  }
  if (ys == null || typeof ys[Symbol.iterator] !== 'function') fail(new NotIterable(ys));
  const it = ys[Symbol.iterator]();
  for (;;) {
    let r: IteratorResult<unknown>;
    try {
      r = it.next();
    } catch (e) {
      return fail(e);
    }
    if (r.done) return;
    next(r.value);
  }
}

class NotIterable extends TypeError {
  readonly asyncIterable: boolean;
  constructor(ys: unknown) {
    super(`expected an iterable (array or generator), got ${ys === null ? 'null' : typeof ys}`);
    this.name = 'TypeError';
    this.asyncIterable = ys != null && typeof (ys as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function';
  }
}
