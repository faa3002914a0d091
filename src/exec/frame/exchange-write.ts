import { takeRows } from '../../frame/batch/batch.js';
import { hashRows } from '../../frame/batch/hash.js';
import { encodeIpc } from '../../frame/batch/ipc.js';
import type { BatchStream, ColumnBatch } from '../../frame/batch/vector.js';
import type { FramePartitioning } from '../../frame/physical/ops.js';
import { BlockWriter, type BlockRef } from '../block-store.js';
import type { TaskContext } from '../task-context.js';
import type { FrameOpContext } from './op-context.js';

/**
 * The map side of a frame shuffle: each batch is split by the partitioning
 * (hash of the key columns, round-robin, or all to partition 0) and every
 * piece is written as one Arrow IPC chunk to that reduce partition's region
 * of this task's block (memory while the budget allows, disk past it).
 */
export function writeFrameShuffle(input: BatchStream, partitioning: FramePartitioning, task: TaskContext, ctx: FrameOpContext): BlockRef {
  const n = partitioning.kind === 'single' ? 1 : partitioning.numPartitions;
  const writer = new BlockWriter({ numPartitions: n, budget: task.budget, spillDir: task.spillDir });
  const m = task.metrics;
  const keys = partitioning.kind === 'hash' ? partitioning.keys : [];
  let keyFns: Array<(b: ColumnBatch) => ReturnType<ReturnType<FrameOpContext['compile']>>> | undefined;
  let next = task.partition; // round-robin start differs per map task, as Spark's does
  const put = (p: number, b: ColumnBatch): void => {
    const chunk = encodeIpc(b);
    m.shuffleWriteBytes += chunk.byteLength;
    m.recordsWritten += b.numRows;
    writer.add(p, chunk);
  };
  try {
    for (const b of input) {
      m.recordsRead += b.numRows;
      if (b.numRows === 0) continue;
      if (n === 1) {
        put(0, b);
        continue;
      }
      const target = new Int32Array(b.numRows);
      if (partitioning.kind === 'hash') {
        keyFns ??= keys.map((k) => ctx.compile(k, b.schema));
        const h = hashRows(keyFns.map((f) => f(b)), b.numRows);
        for (let i = 0; i < b.numRows; i++) target[i] = (h[i]! >>> 0) % n;
      } else {
        for (let i = 0; i < b.numRows; i++) target[i] = next++ % n;
      }
      for (const [p, rows] of groupRows(target, n)) put(p, takeRows(b, rows));
    }
  } catch (e) {
    writer.abort();
    throw e;
  }
  const ref = writer.finish();
  m.spilledBytes += writer.spilledBytes;
  return ref;
}

/** Row indices per target partition (counting sort: two passes, no per-row allocation). */
function groupRows(target: Int32Array, n: number): Array<[number, Int32Array]> {
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
