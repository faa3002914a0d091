import type { ComputeSpec } from '../../plan/node.js';
import type { WireNode } from '../../plan/stages.js';
import { attribute } from '../user-function-error.js';
import { BATCH_SIZE, rebatch, records, type Batches } from '../batch.js';
import type { TaskContext } from '../task-context.js';

type FnKind = Extract<ComputeSpec, { fn: unknown; kind: 'map' | 'filter' | 'flatMap' | 'mapValues' | 'flatMapValues' | 'keyBy' }>;

/**
 * The one-to-one record operators. Each is a loop over a batch; the try/catch
 * wraps only the user's function so upstream errors keep their own attribution.
 */
export function* recordOp(node: WireNode, spec: FnKind, input: Batches, ctx: TaskContext): Generator<unknown[]> {
  const { f, env } = ctx.fn(spec.fn);
  const call = f as (x: unknown, env: unknown) => unknown;
  for (const b of input) {
    let out: unknown[];
    try {
      out = applyBatch(spec.kind, call, env, b);
    } catch (e) {
      throw attribute(e, node.op, node.site);
    }
    if (out.length <= BATCH_SIZE * 2) {
      if (out.length) yield out;
    } else yield* rebatch(out);
  }
}

function applyBatch(kind: FnKind['kind'], f: (x: unknown, env: unknown) => unknown, env: unknown, b: unknown[]): unknown[] {
  const n = b.length;
  switch (kind) {
    case 'map': {
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = f(b[i], env);
      return out;
    }
    case 'filter': {
      const out = [];
      for (let i = 0; i < n; i++) if (f(b[i], env)) out.push(b[i]);
      return out;
    }
    case 'flatMap': {
      const out = [];
      for (let i = 0; i < n; i++) {
        const r = f(b[i], env) as Iterable<unknown>;
        if (Array.isArray(r)) for (let j = 0; j < r.length; j++) out.push(r[j]);
        else for (const y of r) out.push(y);
      }
      return out;
    }
    case 'keyBy': {
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = [f(b[i], env), b[i]];
      return out;
    }
    case 'mapValues': {
      const out = new Array(n);
      for (let i = 0; i < n; i++) {
        const kv = b[i] as [unknown, unknown];
        out[i] = [kv[0], f(kv[1], env)];
      }
      return out;
    }
    case 'flatMapValues': {
      const out = [];
      for (let i = 0; i < n; i++) {
        const kv = b[i] as [unknown, unknown];
        for (const y of f(kv[1], env) as Iterable<unknown>) out.push([kv[0], y]);
      }
      return out;
    }
  }
}

/** keys(), values() and identity need no user function. */
export function* projectOp(kind: 'keys' | 'values' | 'identity', input: Batches): Generator<unknown[]> {
  if (kind === 'identity') return yield* input;
  const at = kind === 'keys' ? 0 : 1;
  for (const b of input) {
    const out = new Array(b.length);
    for (let i = 0; i < b.length; i++) out[i] = (b[i] as unknown[])[at];
    yield out;
  }
}

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
