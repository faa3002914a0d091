import { compareKeys } from '../serde/keys.js';
import { mixSeed, seededRandom } from '../util/random.js';
import type { CallSite } from '../util/errors.js';
import { records, type Batches } from './batch.js';
import { packChunks, recordFormat } from './exchange/chunk-format.js';
import { sinkWriter } from './io-registry.js';
import type { ActionSpec, TaskResult } from './task.js';
import type { TaskContext } from './task-context.js';
import { guard1, guard2 } from './guard.js';
import { sinkFailure } from './user-function-error.js';

type Partial = Pick<TaskResult, 'value' | 'records'>;

/** Runs the per-partition half of an action over the stage's output. */
export function runAction(action: ActionSpec, input: Batches, ctx: TaskContext, op: string, site: CallSite | undefined): Partial {
  switch (action.kind) {
    case 'collect': {
      return { records: packChunks(recordFormat, input) };
    }
    case 'count': {
      let n = 0;
      for (const b of input) n += b.length;
      return { value: n };
    }
    case 'take': {
      const out: unknown[] = [];
      for (const b of input) {
        for (const x of b) {
          if (out.length >= action.n) break;
          out.push(x);
        }
        if (out.length >= action.n) break;
      }
      return { records: packChunks(recordFormat, [out]) };
    }
    case 'takeOrdered': {
      const cmpFn = action.compare ? ctx.fn(action.compare) : undefined;
      const base = cmpFn ? (guard2(cmpFn, op, site) as (a: unknown, b: unknown) => number) : compareKeys;
      const cmp = action.descending ? (a: unknown, b: unknown) => base(b, a) : base;
      let kept: unknown[] = [];
      for (const b of input) {
        for (const x of b) kept.push(x);
        // Keep at most 2n candidates between sorts: O(N log n) overall.
        if (kept.length > Math.max(2 * action.n, 4096)) kept = kept.sort(cmp).slice(0, action.n);
      }
      return { records: packChunks(recordFormat, [kept.sort(cmp).slice(0, action.n)]) };
    }
    case 'reduce': {
      const f = guard2(ctx.fn(action.fn), op, site);
      let acc: unknown;
      let empty = true;
      for (const b of input) {
        for (const x of b) {
          if (empty) {
            acc = x;
            empty = false;
          } else acc = f(acc, x);
        }
      }
      return { value: { empty, acc } };
    }
    case 'fold':
    case 'aggregate': {
      const f = guard2(ctx.fn(action.kind === 'fold' ? action.fn : action.seqOp), op, site);
      let acc = action.zero !== null && typeof action.zero === 'object' ? structuredClone(action.zero) : action.zero;
      for (const b of input) for (const x of b) acc = f(acc, x);
      return { value: acc };
    }
    case 'foreach': {
      const f = guard1(ctx.fn(action.fn), op, site);
      for (const b of input) for (const x of b) f(x);
      return {};
    }
    case 'foreachPartition': {
      guard1(ctx.fn(action.fn), op, site)(records(input));
      return {};
    }
    case 'sampleKeys':
      return { value: reservoirKeys(input, action.size, mixSeed(action.seed, ctx.partition)) };
    case 'save': {
      const writer = sinkWriter(action.format);
      if (!writer) throw new Error(`internal: no writer registered for ${action.format} on this worker`);
      try {
        return { value: writer(action, input, ctx) };
      } catch (e) {
        throw sinkFailure(e, op, site, action.tempDir);
      }
    }
    case 'frameCollect':
    case 'frameWrite':
      throw new Error(`internal: ${action.kind} runs on DataFrame stages only`);
  }
}

/** Reservoir sample of the keys of pair records, and how many records there were. */
function reservoirKeys(input: Batches, size: number, seed: number): { count: number; keys: unknown[] } {
  const rand = seededRandom(seed);
  const keys: unknown[] = [];
  let count = 0;
  for (const b of input) {
    for (const kv of b) {
      const k = (kv as unknown[])[0];
      if (keys.length < size) keys.push(k);
      else {
        const j = Math.floor(rand() * (count + 1));
        if (j < size) keys[j] = k;
      }
      count++;
    }
  }
  return { count, keys };
}
