import type { ComputeSpec } from '../plan/node.js';
import type { WireDep, WireNode } from '../plan/stages.js';
import { compareKeys } from '../serde/keys.js';
import { aggFns } from './aggregator-fns.js';
import type { Batches } from './batch.js';
import { decodeChunks, recordFormat } from './exchange/chunk-format.js';
import { inputFailure } from './exchange/fetch-failures.js';
import { readInput } from './exchange/read-chunks.js';
import { ExternalAggregator } from './external-aggregator.js';
import { ExternalSorter } from './external-sorter.js';
import type { TaskContext } from './task-context.js';
import { sliceKey, type ShuffleSlice } from './task.js';
import { spillFailure } from './user-function-error.js';

type ShuffleDep = Extract<WireDep, { type: 'shuffle' }>;

/** Reads reduce partition `partition` of one shuffle: its chunks in every map output holding data for it. */
export function* readShuffle(dep: ShuffleDep, partition: number, ctx: TaskContext): Generator<unknown[]> {
  yield* decodeChunks(recordFormat, shuffleChunks(dep, partition, ctx));
}

/**
 * The encoded chunks of reduce partition `partition` of a shuffle, from the
 * slice the driver gave this task, in map order. A map output that is missing
 * or cannot be read is a fetch failure, so the scheduler recomputes it.
 */
export function* shuffleChunks(dep: ShuffleDep, partition: number, ctx: TaskContext): Generator<Uint8Array> {
  const slice = shuffleSlice(dep, partition, ctx);
  const { shuffleId } = dep;
  if (slice.missing !== undefined) throw inputFailure({ kind: 'shuffle', shuffleId, map: slice.missing }, new Error('map output missing'));
  for (const piece of slice.pieces) {
    for (const chunk of readInput(() => ctx.local(piece), { kind: 'shuffle', shuffleId, map: piece.map }, `block ${piece.blockId} of ${piece.worker}`)) {
      ctx.metrics.shuffleReadBytes += chunk.byteLength;
      yield chunk;
    }
  }
}

/** This task's slice of a shuffle partition (the driver lists every one the task's pipeline reads). */
export function shuffleSlice(dep: ShuffleDep, partition: number, ctx: TaskContext): ShuffleSlice {
  const slice = ctx.payload.shuffleInputs[sliceKey(dep.shuffleId, partition)];
  if (!slice) throw new Error(`internal: no map outputs given for partition ${partition} of shuffle ${dep.shuffleId}`);
  return slice;
}

/**
 * The reduce side of the keyed shuffles: merge combiners, cogroup, or sort by
 * key. `input(d)` is the records of dependency d: its shuffle blocks, or its
 * partition when the dependency is narrow (a cogroup parent already
 * partitioned the same way).
 */
export function* reduceSide(node: WireNode, spec: ComputeSpec, ctx: TaskContext, input: (d: number) => Batches): Generator<unknown[]> {
  try {
    return yield* reduceInto(node, spec, ctx, input);
  } catch (e) {
    throw spillFailure(e, node.op, node.site);
  }
}

function* reduceInto(node: WireNode, spec: ComputeSpec, ctx: TaskContext, input: (d: number) => Batches): Generator<unknown[]> {
  const opts = { budget: ctx.budget, spillDir: ctx.spillDir, metrics: ctx.metrics };
  switch (spec.kind) {
    case 'shuffleRead':
      return yield* input(0);
    case 'combineByKey': {
      const fns = aggFns(spec.agg, ctx, node.op, node.site);
      const agg = new ExternalAggregator<unknown, unknown, unknown>({ ...fns, ...opts });
      disposeOnError(agg, () => {
        for (const b of input(0)) {
          for (const kv of b as Array<[unknown, unknown]>) {
            if (spec.mapSideCombined) agg.insertCombiner(kv[0], kv[1]);
            else agg.insertValue(kv[0], kv[1]);
          }
        }
      });
      return yield* agg.entries();
    }
    case 'cogroup': {
      // The combiner holds one array of values per parent; the dependency index says whose value it is.
      const n = node.deps.length;
      const agg = new ExternalAggregator<unknown, [number, unknown], unknown[][]>({
        createCombiner: ([d, v]) => {
          const g: unknown[][] = Array.from({ length: n }, () => []);
          g[d]!.push(v);
          return g;
        },
        mergeValue: (g, [d, v]) => (g[d]!.push(v), g),
        mergeCombiners: (a, b) => {
          for (let i = 0; i < n; i++) for (const v of b[i]!) a[i]!.push(v);
          return a;
        },
        ...opts,
      });
      disposeOnError(agg, () =>
        node.deps.forEach((_, d) => {
          for (const b of input(d)) for (const kv of b as Array<[unknown, unknown]>) agg.insertValue(kv[0], [d, kv[1]]);
        }),
      );
      return yield* agg.entries();
    }
    case 'sortByKey': {
      const sign = spec.ascending ? 1 : -1;
      const sorter = new ExternalSorter<[unknown, unknown]>({ compare: (a, b) => sign * compareKeys(a[0], b[0]), ...opts });
      disposeOnError(sorter, () => {
        for (const b of input(0)) sorter.insertAll(b as Array<[unknown, unknown]>);
      });
      return yield* sorter.sortedBatches();
    }
    default:
      throw new Error(`internal: ${spec.kind} is not a shuffle reader`);
  }
}

/** Before the output is streamed, a failure must give back the operator's memory and files. */
function disposeOnError(op: { dispose(): void }, fill: () => void): void {
  try {
    fill();
  } catch (e) {
    op.dispose();
    throw e;
  }
}
