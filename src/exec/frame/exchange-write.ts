import { takeRows } from '../../frame/batch/batch.js';
import { hashRows, partitionOfHash } from '../../frame/batch/hash.js';
import type { BatchStream, ColumnBatch } from '../../frame/batch/vector.js';
import type { FramePartitioning } from '../../frame/physical/ops.js';
import { ExchangeWriter } from '../exchange/exchange-writer.js';
import type { BlockRef } from '../block-ref.js';
import { payloadBytes } from '../spill-file.js';
import type { TaskContext } from '../task-context.js';
import type { FrameOpContext } from './op-context.js';
import { SharedDictGroup } from './shared-dict-group.js';
import { GrowingReservation } from '../memory-budget.js';

/**
 * The map side of a frame shuffle: each batch is split by the partitioning
 * (hash of the key columns, round-robin, or all to partition 0), and the pieces
 * for each reduce partition are gathered into Arrow IPC streams of up to
 * CHUNK_ROWS rows written to that partition's region of this task's block
 * (memory while the budget allows, disk past it). Pieces cut from one cached
 * partition share its dictionaries, so a stream carries each dictionary once
 * instead of once per piece: cut to the entries it uses, or whole when it is
 * not much larger than the stream, so that the task's streams repeat it and
 * the reduce side decodes and translates it once (recent-dicts.ts).
 */
export function writeFrameShuffle(input: BatchStream, partitioning: FramePartitioning, task: TaskContext, ctx: FrameOpContext): BlockRef {
  const n = partitioning.kind === 'single' ? 1 : partitioning.numPartitions;
  const writer = new ExchangeWriter(task, n);
  const m = task.metrics;
  const keys = partitioning.kind === 'hash' ? partitioning.keys : [];
  let keyFns: Array<(b: ColumnBatch) => ReturnType<ReturnType<FrameOpContext['compile']>>> | undefined;
  let next = task.partition; // round-robin start differs per map task, as Spark's does
  // Groups only for reduce partitions that get rows: a small map output over many partitions costs what it holds.
  const groups: Array<SharedDictGroup | undefined> = new Array(n);
  const used: SharedDictGroup[] = [];
  const group = (p: number): SharedDictGroup => {
    let g = groups[p];
    if (g) return g;
    g = groups[p] = new SharedDictGroup(CHUNK_ROWS, (ipc, batches) => {
      m.shuffleWriteBytes += payloadBytes(ipc);
      let rows = 0;
      for (const b of batches) rows += b.numRows;
      m.recordsWritten += rows;
      writer.add(p, ipc, rows);
    }, true);
    used.push(g);
    return g;
  };
  // Held pieces are reserved from the budget (their fixed-width bytes; dictionaries are the input's).
  const reservation = new GrowingReservation(task.budget);
  let held = 0;
  let bytesPerRow = 0; // of the current input batch (its pieces have its columns)
  const put = (p: number, b: ColumnBatch): void => {
    const g = group(p);
    held -= g.rows;
    g.add(b);
    held += g.rows;
    if (held >= HELD_ROWS || !reservation.ensure(held * bytesPerRow)) {
      for (const x of used) x.flush();
      held = 0;
      reservation.releaseAll();
    }
  };
  try {
    for (const b of input) {
      m.recordsRead += b.numRows;
      if (b.numRows === 0) continue;
      bytesPerRow = rowBytes(b);
      if (n === 1) {
        put(0, b);
        continue;
      }
      const target = new Int32Array(b.numRows);
      if (partitioning.kind === 'hash') {
        keyFns ??= keys.map((k) => ctx.compile(k, b.schema));
        const h = hashRows(keyFns.map((f) => f(b)), b.numRows);
        for (let i = 0; i < b.numRows; i++) target[i] = partitionOfHash(h[i]!, n);
      } else {
        for (let i = 0; i < b.numRows; i++) target[i] = next++ % n;
      }
      for (const [p, rows] of groupRows(target, n)) put(p, takeRows(b, rows));
    }
    for (const g of used) g.flush();
  } catch (e) {
    writer.abort();
    throw e;
  } finally {
    reservation.releaseAll();
  }
  return writer.commit();
}

/** Rows per shuffle IPC stream. */
const CHUNK_ROWS = 1 << 16;
/** Rows a map task holds unwritten across all reduce partitions (with many partitions, streams are shorter). */
const HELD_ROWS = 1 << 19;

/** Bytes per row of a batch's values and validity (dictionaries not counted). */
function rowBytes(b: ColumnBatch): number {
  let n = 0;
  for (const c of b.columns) n += (c.values?.BYTES_PER_ELEMENT ?? 8) + 0.125;
  return n;
}

/**
 * Row indices per target partition (counting sort: two passes, no per-row
 * allocation). A batch with far fewer rows than partitions is sorted instead,
 * so its cost does not grow with the number of partitions.
 */
function groupRows(target: Int32Array, n: number): Array<[number, Int32Array]> {
  if (target.length * 8 < n) return groupFewRows(target);
  const counts = new Int32Array(n + 1);
  for (let i = 0; i < target.length; i++) counts[target[i]! + 1]!++;
  for (let p = 0; p < n; p++) counts[p + 1]! += counts[p]!;
  const order = new Int32Array(target.length);
  const fill = counts.slice(0, n);
  for (let i = 0; i < target.length; i++) order[fill[target[i]!]!++] = i;
  const out: Array<[number, Int32Array]> = [];
  for (let p = 0; p < n; p++) if (counts[p + 1]! > counts[p]!) out.push([p, order.subarray(counts[p]!, counts[p + 1]!)]);
  return out;
}

function groupFewRows(target: Int32Array): Array<[number, Int32Array]> {
  const order = Int32Array.from(target.keys()).sort((a, b) => target[a]! - target[b]! || a - b);
  const out: Array<[number, Int32Array]> = [];
  for (let i = 0; i < order.length; ) {
    const p = target[order[i]!]!;
    let j = i + 1;
    while (j < order.length && target[order[j]!] === p) j++;
    out.push([p, order.subarray(i, j)]);
    i = j;
  }
  return out;
}
