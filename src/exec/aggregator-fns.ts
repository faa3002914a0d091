import type { AggSpec } from '../plan/node.js';
import type { FnSpec } from '../serde/function-spec.js';
import type { CallSite } from '../util/errors.js';
import { guard1, guard2 } from './guard.js';
import type { TaskContext } from './task-context.js';

/** The three functions of a per-key aggregation (Spark's Aggregator). */
export interface AggFns {
  createCombiner: (v: unknown) => unknown;
  mergeValue: (c: unknown, v: unknown) => unknown;
  mergeCombiners: (a: unknown, b: unknown) => unknown;
}

/** Every user function an AggSpec holds (to compile before the task runs). */
export function aggFnSpecs(agg: AggSpec): FnSpec[] {
  switch (agg.kind) {
    case 'reduce':
    case 'fold':
      return [agg.fn];
    case 'aggregate':
      return [agg.seqOp, agg.combOp];
    case 'combine':
      return [agg.create, agg.mergeValue, agg.mergeCombiners];
    default:
      return [];
  }
}

/** Builds callable aggregation functions; user errors are attributed to `op`. */
export function aggFns(agg: AggSpec, ctx: TaskContext, op: string, site: CallSite | undefined): AggFns {
  const wrap2 = (spec: FnSpec) => guard2(ctx.fn(spec), op, site);
  switch (agg.kind) {
    case 'reduce': {
      const f = wrap2(agg.fn);
      return { createCombiner: (v) => v, mergeValue: f, mergeCombiners: f };
    }
    case 'fold': {
      const f = wrap2(agg.fn);
      return { createCombiner: (v) => f(cloneZero(agg.zero), v), mergeValue: f, mergeCombiners: f };
    }
    case 'aggregate': {
      const seq = wrap2(agg.seqOp);
      return { createCombiner: (v) => seq(cloneZero(agg.zero), v), mergeValue: seq, mergeCombiners: wrap2(agg.combOp) };
    }
    case 'combine': {
      const create = guard1(ctx.fn(agg.create), op, site);
      return { createCombiner: create, mergeValue: wrap2(agg.mergeValue), mergeCombiners: wrap2(agg.mergeCombiners) };
    }
    case 'group':
      return {
        createCombiner: (v) => [v],
        mergeValue: (c, v) => ((c as unknown[]).push(v), c),
        mergeCombiners: (a, b) => {
          const out = a as unknown[];
          for (const x of b as unknown[]) out.push(x);
          return out;
        },
      };
    case 'sum':
      return { createCombiner: (v) => v, mergeValue: (a, b) => (a as number) + (b as number), mergeCombiners: (a, b) => (a as number) + (b as number) };
  }
}

/** Each key starts from its own copy of the zero value (as Spark deserializes one per key). */
function cloneZero(zero: unknown): unknown {
  return zero !== null && typeof zero === 'object' ? structuredClone(zero) : zero;
}
