import { batchToRecords } from '../../frame/batch/records.js';
import type { BatchStream, ColumnBatch } from '../../frame/batch/vector.js';
import { compileExpr, compilePredicate } from '../../frame/expr/compile.js';
import type { ExprNode } from '../../frame/expr/expr-node.js';
import { anyExpr } from '../../frame/logical/expr-utils.js';
import { physChildren, physExprs, type FramePartitioning, type PhysOp } from '../../frame/physical/ops.js';
import type { FnSpec } from '../../serde/function-spec.js';
import type { WireNode } from '../../plan/stages.js';
import type { TaskContext } from '../task-context.js';
import { attribute, spillFailure } from '../user-function-error.js';
import { SluiceError } from '../../util/errors.js';
import { AsyncResultSeen, isThenable } from '../async-calls.js';
import { executeFrame, type FrameTask } from './execute.js';
import { writeFrameShuffle } from './exchange-write.js';
import type { FrameOpContext } from './op-context.js';
import { AwaitedUdfs, awaitFrameUdfs } from './await-udfs.js';
import { BatchBlockWriter } from '../exchange/exchange-writer.js';
import { decodeChunks } from '../exchange/chunk-format.js';
import { readBlockPartition } from '../exchange/read-chunks.js';
import { ipcFormat } from './ipc-format.js';
import { runFrameAction } from './frame-actions.js';
import type { TaskOutput, TaskResult } from '../task.js';

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

/**
 * Partition p of a frame node: its operator tree (as rewritten by `awaited` on
 * the async path), or its cached copy (kept as IPC chunks as it streams past).
 */
export function computeFrameNode(node: WireNode, p: number, task: TaskContext, op = frameOpContext(task), awaited?: AwaitedUdfs): BatchStream {
  const t = frameTask(node, task, op, awaited);
  const root = awaited?.root(node, p) ?? rootOf(node);
  const run = () => executeFrame(root, p, t);
  return node.cached ? cachedFrame(node, p, task, run) : run();
}

function frameTask(node: WireNode, task: TaskContext, op: FrameOpContext, awaited: AwaitedUdfs | undefined): FrameTask {
  return {
    op,
    task,
    node,
    narrow: (d, q) => narrowRecords(node, d, q, task),
    // Negative dependencies are awaited UDF columns (see AwaitedUdfs).
    cached: (d, q) => (d < 0 ? decodeChunks(ipcFormat, readBlockPartition(awaited!.blocks[-1 - d]!, 0)) : computeFrameNode(narrowNode(node, d), q, task, op, awaited)),
  };
}

/**
 * Runs a frame stage's task: its map side written to the shuffle, or an
 * action's per-partition value. With `async`, the async UDFs it calls are
 * awaited first (their columns kept in blocks, freed when the task is done).
 */
export async function runFrameTask(node: WireNode, output: TaskOutput, task: TaskContext, async: boolean): Promise<Pick<TaskResult, 'mapOutput' | 'value' | 'records'>> {
  const op = frameOpContext(task);
  const awaited = async ? await awaitUdfs(node, task.partition, task, op) : undefined;
  try {
    const stream = computeFrameNode(node, task.partition, task, op, awaited);
    if (output.kind !== 'shuffleWrite') return runFrameAction(output.action, node, stream, task);
    if (async && partitioningFns(output.shuffle.frame).some((f) => task.isAsync(f))) {
      throw new SluiceError('an async UDF cannot be awaited in the keys of a repartition; compute it into a column first (withColumn) and repartition by that column');
    }
    try {
      return { mapOutput: writeFrameShuffle(stream, output.shuffle.frame as FramePartitioning, task, op) };
    } catch (e) {
      throw spillFailure(e, 'exchange', node.site);
    }
  } finally {
    awaited?.release(task);
  }
}

/** Records of a frame node for Dataset consumers on the async path: its async UDFs awaited first. */
export async function* frameRecordsAsync(node: WireNode, p: number, task: TaskContext): AsyncGenerator<unknown[]> {
  const op = frameOpContext(task);
  const awaited = await awaitUdfs(node, p, task, op);
  try {
    for (const b of computeFrameNode(node, p, task, op, awaited)) if (b.numRows) yield batchToRecords(b);
  } finally {
    awaited.release(task);
  }
}

/** The async UDFs partition p of `node` calls, awaited (the caller releases them). */
async function awaitUdfs(node: WireNode, p: number, task: TaskContext, op: FrameOpContext): Promise<AwaitedUdfs> {
  const awaited = new AwaitedUdfs();
  try {
    await awaitFrameUdfs(node, p, task, (n) => frameTask(n, task, op, awaited), awaited);
    return awaited;
  } catch (e) {
    awaited.release(task);
    throw e;
  }
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
  const ref = task.cachedRef(node.id, p);
  if (ref) {
    yield* decodeChunks(ipcFormat, task.readWhole(ref, { kind: 'cached', key: `${node.id}:${p}` }));
    return;
  }
  const writer = new BatchBlockWriter(ipcFormat, task);
  let complete = false;
  try {
    for (const b of run()) {
      writer.add(b);
      yield b;
    }
    complete = true;
  } finally {
    const ref = writer.commit(complete);
    if (ref) task.cacheBlocks.push({ nodeId: node.id, partition: p, ref });
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

/** The UDFs of the keys a frame stage's output is hash-partitioned by (`repartition(n, expr)`). */
export function partitioningFns(partitioning: unknown, out: FnSpec[] = []): FnSpec[] {
  const p = partitioning as FramePartitioning | undefined;
  if (p?.kind === 'hash') for (const e of p.keys) walkExpr(e, out);
  return out;
}

function walkOps(op: PhysOp, out: FnSpec[]): void {
  for (const e of physExprs(op)) walkExpr(e, out);
  for (const c of physChildren(op)) walkOps(c, out);
}

function walkExpr(e: ExprNode, out: FnSpec[]): void {
  anyExpr(e, (x) => {
    if (x.kind === 'udf' && !out.includes(x.fn)) out.push(x.fn);
    return false;
  });
}
