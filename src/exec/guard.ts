import type { CallSite } from '../util/errors.js';
import type { BoundFn } from './task-context.js';
import { attribute } from './user-function-error.js';

/**
 * A user function of one or two arguments made callable on the hot path: env
 * goes last, and what the function throws is attributed to its operator. Fixed
 * arities, so no argument array is built per record.
 */
export function guard1({ f, env }: BoundFn, op: string, site: CallSite | undefined): (x: unknown) => unknown {
  const g = f as (x: unknown, env: unknown) => unknown;
  return (x) => {
    try {
      return g(x, env);
    } catch (e) {
      throw attribute(e, op, site);
    }
  };
}

export function guard2({ f, env }: BoundFn, op: string, site: CallSite | undefined): (a: unknown, b: unknown) => unknown {
  const g = f as (a: unknown, b: unknown, env: unknown) => unknown;
  return (a, b) => {
    try {
      return g(a, b, env);
    } catch (e) {
      throw attribute(e, op, site);
    }
  };
}
