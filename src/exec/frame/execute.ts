import { takeRows, makeBatch } from '../../frame/batch/batch.js';
import { decodeIpc } from '../../frame/batch/ipc.js';
import { batchFromRecords } from '../../frame/batch/records.js';
import type { BatchStream, ColumnBatch } from '../../frame/batch/vector.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import type { WireDep, WireNode } from '../../plan/stages.js';
import type { TaskContext } from '../task-context.js';
import { spillFailure } from '../user-function-error.js';
import { dedup } from './dedup.js';
import { readFrameShuffle, shuffleRows } from './exchange-read.js';
import { exchangePartition, unionInput } from './frame-inputs.js';
import { fileScanReader } from './frame-io.js';
import { hashAggregate } from './hash-aggregate.js';
import { hashJoin } from './hash-join.js';
import { limitOp } from './limit.js';
import { nestedLoopJoin } from './nested-loop-join.js';
import type { FrameOpContext } from './op-context.js';
import { sortOp } from './sort.js';

/** The task-side services a frame stage needs besides the operator context. */
export interface FrameTask {
  op: FrameOpContext;
  task: TaskContext;
  node: WireNode;
  /** Partition p of narrow dependency d (a Dataset's records or a cached frame node), as batches. */
  narrow(d: number, p: number): Iterable<unknown>;
  /** A cached frame node's partition as column batches. */
  cached(d: number, p: number): BatchStream;
}

/**
 * Runs the operator tree of one frame stage over partition `p`: a pull pipeline
 * of column batches from the sources (scans, shuffle reads) to the root.
 */
export function executeFrame(op: PhysOp, p: number, t: FrameTask): BatchStream {
  const ctx = t.op;
  switch (op.op) {
    case 'scan': {
      const scan = op.scan;
      if (scan.kind === 'memory') return memoryScan(scan.partitions[p] ?? []);
      return fileScanReader()(scan, p, { metrics: ctx.metrics, onDropped: (n) => t.task.accumulator(droppedAccumulatorId(scan), 'sum').add(n) });
    }
    case 'exchange':
      return readFrameShuffle(shuffleDep(t.node, op.dep), exchangePartition(op, p), t.task);
    case 'records':
      return recordsToBatches(t.narrow(op.dep, p) as Iterable<unknown[]>, op.schema);
    case 'cached':
      return t.cached(op.dep, p);
    case 'filter':
      return filterOp(executeFrame(op.input, p, t), ctx.compilePredicate(op.predicate, op.input.schema));
    case 'project': {
      const fns = op.exprs.map((e) => ctx.compile(e, op.input.schema));
      return mapBatches(executeFrame(op.input, p, t), (b) => makeBatch(op.schema, fns.map((f) => f(b)), b.numRows));
    }
    case 'hashAggregate': {
      // A final aggregate straight over a shuffle knows how many state rows it will merge.
      const input = op.input;
      const rows = op.mode === 'final' && input.op === 'exchange' ? shuffleRows(shuffleDep(t.node, input.dep), exchangePartition(input, p), t.task) : undefined;
      return spilling('hashAggregate', hashAggregate(op, executeFrame(input, p, t), ctx, rows), t);
    }
    case 'dedup':
      return spilling('dedup', dedup(op, executeFrame(op.input, p, t), ctx), t);
    case 'hashJoin':
      return spilling('hashJoin', hashJoin(op, () => executeFrame(op.left, p, t), () => executeFrame(op.right, p, t), ctx), t);
    case 'nestedLoopJoin':
      return nestedLoopJoin(op, () => executeFrame(op.left, p, t), () => executeFrame(op.right, p, t), ctx);
    case 'sort':
      return spilling('sort', sortOp(op, executeFrame(op.input, p, t), ctx), t);
    case 'limit':
      return limitOp(op, executeFrame(op.input, p, t));
    case 'union': {
      const { index, rest } = unionInput(op, p);
      return renamed(executeFrame(op.inputs[index]!, rest, t), op.schema);
    }
  }
}

/** An operator's batches; a spill of its that fails (a full disk) is blamed on it by name. */
function* spilling(name: string, batches: BatchStream, t: FrameTask): Generator<ColumnBatch> {
  try {
    return yield* batches;
  } catch (e) {
    throw spillFailure(e, name, t.node.site);
  }
}

/** Dropped-line counters of permissive scans travel as sum accumulators (ids chosen by the driver). */
function droppedAccumulatorId(scan: { options: Record<string, unknown> }): number {
  const id = scan.options.droppedAccumulator;
  if (typeof id !== 'number') throw new Error('internal: a permissive scan has no dropped-line accumulator');
  return id;
}

function shuffleDep(node: WireNode, d: number): Extract<WireDep, { type: 'shuffle' }> {
  const dep = node.deps[d];
  if (!dep || dep.type !== 'shuffle') throw new Error(`internal: frame stage ${node.id} dependency ${d} is not a shuffle`);
  return dep;
}

function* memoryScan(chunks: Uint8Array[]): Generator<ColumnBatch> {
  for (const c of chunks) yield* decodeIpc(c);
}

function* filterOp(input: BatchStream, select: (b: ColumnBatch) => Int32Array | null): Generator<ColumnBatch> {
  for (const b of input) {
    const sel = select(b);
    if (sel === null) yield b;
    else if (sel.length > 0) yield takeRows(b, sel);
  }
}

function* mapBatches(input: BatchStream, f: (b: ColumnBatch) => ColumnBatch): Generator<ColumnBatch> {
  for (const b of input) yield f(b);
}

/** Union inputs keep their columns; the output schema's names (the first input's) apply. */
function* renamed(input: BatchStream, schema: ColumnBatch['schema']): Generator<ColumnBatch> {
  for (const b of input) yield makeBatch(schema, b.columns, b.numRows);
}

function* recordsToBatches(input: Iterable<unknown[]>, schema: ColumnBatch['schema']): Generator<ColumnBatch> {
  for (const records of input) if (records.length) yield batchFromRecords(records as object[], schema);
}
