import type { ShuffleSpec } from '../plan/node.js';
import { partitionFn } from '../plan/partitioner.js';
import { encodeBatch } from '../serde/record-codec.js';
import { estimateSize } from '../serde/keys.js';
import { SluiceError, type CallSite } from '../util/errors.js';
import { aggFns } from './aggregator-fns.js';
import { ExchangeWriter } from './exchange/exchange-writer.js';
import type { BlockRef } from './block-ref.js';
import { ExternalAggregator } from './external-aggregator.js';
import type { TaskContext } from './task-context.js';
import { spillFailure } from './user-function-error.js';

/**
 * The map side of a shuffle: place each record in its reduce partition, combining
 * values per key first when the operator allows, and write one block holding
 * every partition's chunks (memory while the budget allows, disk past it).
 */
export async function writeShuffle(
  forEach: (sink: (rec: unknown) => void) => void | Promise<void>,
  shuffle: ShuffleSpec,
  ctx: TaskContext,
  op: string,
  site: CallSite | undefined,
): Promise<BlockRef> {
  const n = shuffle.partitioner.numPartitions;
  const place = partitionFn(shuffle.partitioner, ctx.partition);
  const keyed = shuffle.partitioner.kind !== 'roundRobin';
  const writer = new ExchangeWriter(ctx, n);
  const chunkRecords = Math.max(64, Math.min(4096, Math.floor(262144 / n)));
  // Unencoded records waiting per reducer are bounded in bytes too (estimated from a sample).
  const bufferLimit = Math.max(256 * 1024, Math.min(16 * 1024 * 1024, ctx.budget.limit / 8));
  // Buffers only for reducers that get records: a small map output over many partitions costs what it
  // holds. Over many reducers the array starts empty (V8 keeps it sparse) instead of n slots per task.
  const buffers: Array<unknown[] | undefined> = n <= 1024 ? new Array(n) : [];
  const touched: number[] = [];
  let buffered = 0;
  let avgSize = 64;
  let seen = 0;
  const m = ctx.metrics;
  const flush = (p: number): void => {
    const chunk = encodeBatch(buffers[p]!);
    m.shuffleWriteBytes += chunk.byteLength;
    writer.add(p, chunk);
    buffered -= buffers[p]!.length;
    buffers[p] = [];
  };
  const emit = (rec: unknown): void => {
    if (keyed && !Array.isArray(rec)) throw notAPair(rec, op, ctx.partition);
    const p = keyed ? place((rec as unknown[])[0]) : place(rec);
    let buf = buffers[p];
    if (!buf) {
      buffers[p] = buf = [];
      touched.push(p);
    }
    buf.push(rec);
    buffered++;
    m.recordsWritten++;
    if ((++seen & 255) === 0) avgSize = 0.75 * avgSize + 0.25 * estimateSize(rec);
    if (buf.length >= chunkRecords) flush(p);
    else if (buffered * avgSize > bufferLimit) for (const q of touched) if (buffers[q]!.length) flush(q);
  };
  let agg: ExternalAggregator<unknown, unknown, unknown> | undefined;
  try {
    if (shuffle.mapSideCombine) {
      const fns = aggFns(shuffle.mapSideCombine, ctx, op, site);
      agg = new ExternalAggregator<unknown, unknown, unknown>({ ...fns, budget: ctx.budget, spillDir: ctx.spillDir, metrics: m });
      const into = agg;
      await forEach((kv) => {
        if (!Array.isArray(kv)) throw notAPair(kv, op, ctx.partition);
        into.insertValue(kv[0], kv[1]);
      });
      for (const b of agg.entries()) for (const e of b) emit(e);
    } else {
      await forEach(emit);
    }
    for (const p of touched) if (buffers[p]!.length) flush(p);
  } catch (e) {
    // Give back reserved memory and delete spill files of the failed attempt.
    agg?.dispose();
    writer.abort();
    throw spillFailure(e, op, site);
  }
  return writer.commit();
}

function notAPair(rec: unknown, op: string, partition: number): SluiceError {
  let shown: string;
  try {
    shown = JSON.stringify(rec) ?? String(rec);
  } catch {
    shown = String(rec);
  }
  return new SluiceError(`${op} needs [key, value] pairs, but partition ${partition} has the record ${shown.slice(0, 200)}; map records to pairs first, e.g. .map((x) => [key(x), x])`);
}
