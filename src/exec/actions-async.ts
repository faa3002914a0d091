import type { CallSite } from '../util/errors.js';
import { DEFAULT_CONCURRENCY, isThenable, mapBounded } from './async-calls.js';
import { runAction } from './actions.js';
import { records, type Batches } from './batch.js';
import { gather, type AsyncBatches } from './compute-async.js';
import { guardAsync } from './guard.js';
import type { ActionSpec, TaskResult } from './task.js';
import type { TaskContext } from './task-context.js';

type Partial = Pick<TaskResult, 'value' | 'records'>;

const isSync = (input: Batches | AsyncBatches): input is Batches => typeof (input as Batches)[Symbol.iterator] === 'function';

/**
 * The per-partition half of an action on the async path: foreach awaits its
 * function with at most `concurrency` calls pending; foreachPartition, reduce,
 * fold and aggregate await what their functions return. Actions without user
 * functions run as on the sync path (over the gathered partition when the input is async).
 */
export async function runActionAsync(action: ActionSpec, input: Batches | AsyncBatches, ctx: TaskContext, op: string, site: CallSite | undefined): Promise<Partial> {
  switch (action.kind) {
    case 'foreach': {
      const call = guardAsync(ctx.fn(action.fn), op, site);
      const limit = action.fn.concurrency ?? DEFAULT_CONCURRENCY;
      for await (const b of input) await mapBounded(b, call, limit);
      return {};
    }
    case 'foreachPartition': {
      const call = guardAsync(ctx.fn(action.fn), op, site);
      await call(records(isSync(input) ? input : await gather(input)));
      return {};
    }
    case 'reduce': {
      const f = guardAsync(ctx.fn(action.fn), op, site);
      let acc: unknown;
      let empty = true;
      for await (const b of input) {
        for (const x of b) {
          if (empty) {
            acc = x;
            empty = false;
            continue;
          }
          acc = f(acc, x);
          if (isThenable(acc)) acc = await acc;
        }
      }
      return { value: { empty, acc } };
    }
    case 'fold':
    case 'aggregate': {
      const f = guardAsync(ctx.fn(action.kind === 'fold' ? action.fn : action.seqOp), op, site);
      let acc = action.zero !== null && typeof action.zero === 'object' ? structuredClone(action.zero) : action.zero;
      for await (const b of input) {
        for (const x of b) {
          acc = f(acc, x);
          if (isThenable(acc)) acc = await acc;
        }
      }
      return { value: acc };
    }
    default:
      return runAction(action, isSync(input) ? input : await gather(input), ctx, op, site);
  }
}
