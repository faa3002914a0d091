import type { WireNode } from '../../plan/stages.js';
import { DEFAULT_CONCURRENCY, mapBounded } from '../async-calls.js';
import { guardAsync } from '../guard.js';
import type { TaskContext } from '../task-context.js';
import { attribute } from '../user-function-error.js';

type Step = (xs: unknown[]) => unknown[] | Promise<unknown[]>;

/**
 * The async path of a chain of record operators: each input batch goes through
 * the operators one after the other; an operator calls its function on every
 * record of the batch with at most `concurrency` results pending, and passes the
 * results on in input order.
 */
export async function* fusedOpsAsync(chain: WireNode[], input: AsyncIterable<unknown[]>, ctx: TaskContext): AsyncGenerator<unknown[]> {
  const steps = chain.map((n) => step(n, ctx));
  for await (const b of input) {
    let xs = b;
    for (let i = 0; i < steps.length && xs.length > 0; i++) xs = await steps[i]!(xs);
    if (xs.length > 0) yield xs;
  }
}

function step(node: WireNode, ctx: TaskContext): Step {
  const c = node.compute;
  if (c.kind === 'keys') return (xs) => xs.map((x) => (x as unknown[])[0]);
  if (c.kind === 'values') return (xs) => xs.map((x) => (x as unknown[])[1]);
  if (c.kind === 'identity') return (xs) => xs;
  if (!('fn' in c)) throw new Error(`internal: ${c.kind} is not a record operator`);
  const { op, site } = node;
  const call = guardAsync(ctx.fn(c.fn), op, site);
  const limit = c.fn.concurrency ?? DEFAULT_CONCURRENCY;
  const all = (xs: unknown[], f: (x: unknown) => unknown = call) => mapBounded(xs, f, limit);
  switch (c.kind) {
    case 'map':
      return (xs) => all(xs);
    case 'filter':
      return async (xs) => {
        const keep = await all(xs);
        return xs.filter((_, i) => keep[i]);
      };
    case 'keyBy':
      return async (xs) => (await all(xs)).map((k, i) => [k, xs[i]]);
    case 'mapValues':
      return async (xs) => (await all(xs, (x) => call((x as unknown[])[1]))).map((v, i) => [(xs[i] as unknown[])[0], v]);
    case 'flatMap':
      return async (xs) => {
        const out: unknown[] = [];
        for (const ys of await all(xs)) await expand(ys, (y) => out.push(y), op, site);
        return out;
      };
    case 'flatMapValues':
      return async (xs) => {
        const out: unknown[] = [];
        const yss = await all(xs, (x) => call((x as unknown[])[1]));
        for (let i = 0; i < xs.length; i++) {
          const k = (xs[i] as unknown[])[0];
          await expand(yss[i], (y) => out.push([k, y]), op, site);
        }
        return out;
      };
    default:
      throw new Error(`internal: ${c.kind} is not a record operator`);
  }
}

/** An array, iterable or async iterable (an async generator) into `push`, with the user's errors attributed. */
export async function expand(ys: unknown, push: (y: unknown) => void, op: string, site: WireNode['site']): Promise<void> {
  if (Array.isArray(ys)) {
    for (let i = 0; i < ys.length; i++) push(ys[i]);
    return;
  }
  try {
    if (ys != null && typeof (ys as AsyncIterable<unknown>)[Symbol.asyncIterator] === 'function') {
      for await (const y of ys as AsyncIterable<unknown>) push(y);
      return;
    }
    if (ys == null || typeof (ys as Iterable<unknown>)[Symbol.iterator] !== 'function') {
      throw new TypeError(`expected an iterable (array, generator or async generator), got ${ys === null ? 'null' : typeof ys}`);
    }
    for (const y of ys as Iterable<unknown>) push(y);
  } catch (e) {
    throw attribute(e, op, site);
  }
}
