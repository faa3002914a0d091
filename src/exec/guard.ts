import type { CallSite } from '../util/errors.js';
import { AsyncResultSeen, isThenable } from './async-calls.js';
import type { BoundFn } from './task-context.js';
import { attribute } from './user-function-error.js';

/**
 * A user function of one or two arguments made callable on the hot path: env
 * goes last, and what the function throws is attributed to its operator. Fixed
 * arities, so no argument array is built per record. On this synchronous path a
 * thenable result means the task must run on the async path (AsyncResultSeen).
 */
export function guard1({ f, env, key }: BoundFn, op: string, site: CallSite | undefined): (x: unknown) => unknown {
  const g = f as (x: unknown, env: unknown) => unknown;
  return (x) => {
    let r: unknown;
    try {
      r = g(x, env);
    } catch (e) {
      throw attribute(e, op, site);
    }
    if (typeof r === 'object' && r !== null && typeof (r as { then?: unknown }).then === 'function') throw new AsyncResultSeen(key, op, site, r);
    return r;
  };
}

export function guard2({ f, env, key }: BoundFn, op: string, site: CallSite | undefined): (a: unknown, b: unknown) => unknown {
  const g = f as (a: unknown, b: unknown, env: unknown) => unknown;
  return (a, b) => {
    let r: unknown;
    try {
      r = g(a, b, env);
    } catch (e) {
      throw attribute(e, op, site);
    }
    if (typeof r === 'object' && r !== null && typeof (r as { then?: unknown }).then === 'function') throw new AsyncResultSeen(key, op, site, r);
    return r;
  };
}

/** For the async path: results may be thenables, whose rejections are attributed like throws. */
export function guardAsync({ f, env }: BoundFn, op: string, site: CallSite | undefined): (...args: unknown[]) => unknown {
  return (...args) => {
    let r: unknown;
    try {
      r = f(...args, env);
    } catch (e) {
      throw attribute(e, op, site);
    }
    return isThenable(r)
      ? Promise.resolve(r).catch((e: unknown) => {
          throw attribute(e, op, site);
        })
      : r;
  };
}
