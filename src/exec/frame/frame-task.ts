import { decodeIpc } from '../../frame/batch/ipc.js';
import { batchToRecords } from '../../frame/batch/records.js';
import type { BatchStream, ColumnBatch } from '../../frame/batch/vector.js';
import { compileExpr, compilePredicate } from '../../frame/expr/compile.js';
import type { ExprNode } from '../../frame/expr/expr-node.js';
import { anyExpr } from '../../frame/logical/expr-utils.js';
import type { FramePartitioning, PhysOp } from '../../frame/physical/ops.js';
import { physChildren } from '../../frame/physical/ops.js';
import type { FnSpec } from '../../serde/function-spec.js';
import type { WireNode } from '../../plan/stages.js';
import { BlockWriter, freeBlock, readBlockPartition, type BlockRef } from '../block-store.js';
import type { TaskContext } from '../task-context.js';
import { attribute, spillFailure } from '../user-function-error.js';
import { AsyncResultSeen, isThenable } from '../async-calls.js';
import { executeFrame, type FrameTask } from './execute.js';
import { writeFrameShuffle } from './exchange-write.js';
import type { FrameOpContext } from './op-context.js';
import { SharedDictGroup } from './shared-dict-group.js';

/** The operator context of a task: its budget and metrics, and an expression compiler that knows its UDFs. */
export function frameOpContext(task: TaskContext): FrameOpContext {
  const udf = (spec: FnSpec) => {
    const { f, env, key } = task.fn(spec);
    const g = f as (...args: unknown[]) => unknown;
    return (...args: unknown[]) => {
      let r: unknown;
      try {
        r = g(...args, env);
      } catch (e) {
        throw attribute(e, spec.op, spec.site);
      }
      if (isThenable(r)) throw new AsyncResultSeen(key, spec.op, spec.site, r);
      return r;
    };
  };
  return {
    budget: task.budget,
    spillDir: task.spillDir,
    metrics: task.metrics,
    partition: task.partition,
    compile: (e, schema) => compileExpr(e, schema, { udf }),
    compilePredicate: (e, schema) => compilePredicate(e, schema, { udf }),
  };
}

function rootOf(node: WireNode): PhysOp {
  if (node.compute.kind !== 'frame') throw new Error(`internal: node ${node.id} (${node.op}) is not a frame stage`);
  return node.compute.root as PhysOp;
}

/** Partition p of a frame node: its operator tree, or its cached copy (kept as IPC chunks as it streams past). */
export function computeFrameNode(node: WireNode, p: number, task: TaskContext, op = frameOpContext(task)): BatchStream {
  const t: FrameTask = {
    op,
    task,
    node,
    narrow: (d, q) => narrowRecords(node, d, q, task),
    cached: (d, q) => computeFrameNode(narrowNode(node, d), q, task, op),
  };
  const run = () => executeFrame(rootOf(node), p, t);
  return node.cached ? cachedFrame(node, p, task, run) : run();
}

function narrowNode(node: WireNode, d: number): WireNode {
  const dep = node.deps[d];
  if (!dep || dep.type !== 'narrow') throw new Error(`internal: dependency ${d} of frame stage ${node.id} is not narrow`);
  return dep.node;
}

// Records of a Dataset parent come from the record engine's compute (imported lazily: it imports this module).
let recordCompute: ((node: WireNode, p: number, task: TaskContext) => Iterable<unknown[]>) | undefined;
export function setRecordCompute(f: typeof recordCompute): void {
  recordCompute = f;
}
function narrowRecords(node: WireNode, d: number, p: number, task: TaskContext): Iterable<unknown[]> {
  return recordCompute!(narrowNode(node, d), p, task);
}

function* cachedFrame(node: WireNode, p: number, task: TaskContext, run: () => BatchStream): Generator<ColumnBatch> {
  const ref = task.payload.cachedBlocks[`${node.id}:${p}`];
  if (ref) {
    for (const chunk of readBlockPartition(ref, 0)) yield* decodeIpc(chunk);
    return;
  }
  const writer = new BlockWriter({ numPartitions: 1, budget: task.budget, spillDir: task.spillDir });
  const group = new SharedDictGroup(GROUP_ROWS, (ipc) => writer.add(0, ipc));
  let complete = false;
  try {
    for (const b of run()) {
      group.add(b);
      yield b;
    }
    group.flush();
    complete = true;
  } finally {
    const block = writer.finish();
    if (complete) task.cacheBlocks.push({ nodeId: node.id, partition: p, ref: block });
    else freeBlock(block, task.budget);
  }
}

/** Rows per cache IPC stream: batches sharing dictionaries (one cached partition's scan) write them once. */
const GROUP_ROWS = 1 << 22;

/** A frame stage's map side: its batches written to the shuffle. */
export function frameShuffleWrite(node: WireNode, partitioning: FramePartitioning, task: TaskContext): BlockRef {
  const op = frameOpContext(task);
  try {
    return writeFrameShuffle(computeFrameNode(node, task.partition, task, op), partitioning, task, op);
  } catch (e) {
    throw spillFailure(e, 'exchange', node.site);
  }
}

/** Records of a frame node, for Dataset consumers (DataFrame.toDataset). */
export function* frameRecords(node: WireNode, p: number, task: TaskContext): Generator<unknown[]> {
  for (const b of computeFrameNode(node, p, task)) if (b.numRows) yield batchToRecords(b);
}

/** Every UDF of a frame stage (and of its narrow frame parents), to prepare before the task runs. */
export function frameFns(node: WireNode, out: FnSpec[] = []): FnSpec[] {
  if (node.compute.kind === 'frame') walkOps(rootOf(node), out);
  return out;
}

function walkOps(op: PhysOp, out: FnSpec[]): void {
  for (const e of opExprs(op)) walkExpr(e, out);
  for (const c of physChildren(op)) walkOps(c, out);
}

function opExprs(op: PhysOp): ExprNode[] {
  switch (op.op) {
    case 'filter':
      return [op.predicate];
    case 'project':
      return op.exprs;
    case 'hashAggregate':
      return [...op.groupBy, ...op.aggs.flatMap((a) => a.args)];
    case 'hashJoin':
      return [...op.leftKeys, ...op.rightKeys, ...(op.filter ? [op.filter] : [])];
    case 'nestedLoopJoin':
      return op.filter ? [op.filter] : [];
    case 'sort':
      return op.keys.map((k) => k.expr);
    case 'dedup':
      return op.keys;
    default:
      return [];
  }
}

function walkExpr(e: ExprNode, out: FnSpec[]): void {
  anyExpr(e, (x) => {
    if (x.kind === 'udf' && !out.includes(x.fn)) out.push(x.fn);
    return false;
  });
}
