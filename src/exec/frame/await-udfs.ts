import { sliceBatch } from '../../frame/batch/batch.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import type { WireNode } from '../../plan/stages.js';
import { freeBlock, type LocalBlock } from '../block-store.js';
import { guardAsync } from '../guard.js';
import type { TaskContext } from '../task-context.js';
import { asyncEvaluator, callsAsyncUdf, residualAsFilter, splitAsync, type AsyncEval } from './async-udfs.js';
import { BatchBlockWriter } from '../exchange/exchange-writer.js';
import { ipcFormat } from './ipc-format.js';
import { executeFrame, type FrameTask } from './execute.js';
import { unionInput } from './frame-inputs.js';

/**
 * A frame task's awaited UDF columns: the operator tree of each (node,
 * partition) that calls async UDFs, rewritten to read the awaited outputs, and
 * those outputs' blocks. A rewritten tree reads block k as a `cached` leaf of
 * dependency -1 - k. Freed by `release` when the task is done with them.
 */
export class AwaitedUdfs {
  readonly roots = new Map<string, PhysOp>();
  readonly blocks: LocalBlock[] = [];

  root(node: WireNode, p: number): PhysOp | undefined {
    return this.roots.get(`${node.id}:${p}`);
  }

  release(task: TaskContext): void {
    for (const b of this.blocks.splice(0)) freeBlock(b, task.budget);
  }
}

/**
 * Awaits every async UDF partition `p` of frame `node` needs (in its own tree
 * and in cached frame parents it computes), bottom-up; see async-udfs.ts.
 * `frameTask` gives the task services for a node, reading `awaited` blocks.
 */
export async function awaitFrameUdfs(node: WireNode, p: number, task: TaskContext, frameTask: (node: WireNode) => FrameTask, awaited: AwaitedUdfs): Promise<void> {
  if (node.compute.kind !== 'frame' || (node.cached && task.cachedRef(node.id, p))) return;
  const t = frameTask(node);
  const isAsync = (spec: Parameters<TaskContext['isAsync']>[0]) => task.isAsync(spec);
  // Children first, at the partitions executeFrame reads them at; an unchanged subtree is kept as it is.
  // `need`: how many rows of x's output its consumers read at most (a limit above, through projections).
  const visit = async (x: PhysOp, q: number, need: number): Promise<PhysOp> => {
    let y = x;
    switch (x.op) {
      case 'cached': {
        const dep = node.deps[x.dep];
        if (dep?.type === 'narrow') await awaitFrameUdfs(dep.node, q, task, frameTask, awaited);
        return x;
      }
      case 'union': {
        const { index, rest } = unionInput(x, q);
        const input = await visit(x.inputs[index]!, rest, need);
        if (input !== x.inputs[index]) y = { ...x, inputs: x.inputs.map((v, i) => (i === index ? input : v)) };
        break;
      }
      case 'hashJoin':
      case 'nestedLoopJoin': {
        const [left, right] = [await visit(x.left, q, Infinity), await visit(x.right, q, Infinity)];
        if (left !== x.left || right !== x.right) y = { ...x, left, right };
        break;
      }
      default:
        if ('input' in x) {
          const input = await visit(x.input, q, x.op === 'limit' ? x.offset + x.n : x.op === 'project' ? need : Infinity);
          if (input !== x.input) y = { ...x, input } as PhysOp;
        }
    }
    if (!callsAsyncUdf(y, isAsync)) return y;
    const { ev, rest, replaces } = splitAsync(residualAsFilter(y, isAsync), isAsync);
    const leaf: PhysOp = { op: 'cached', schema: ev.schema, dep: -1 - awaited.blocks.length };
    awaited.blocks.push(await evaluate(ev, q, t, replaces ? need : Infinity));
    return rest(leaf);
  };
  const root = (node.compute as { root: PhysOp }).root;
  const rewritten = await visit(root, p, Infinity);
  if (rewritten !== root) awaited.roots.set(`${node.id}:${p}`, rewritten);
}

/**
 * Runs an AsyncEval over its input partition, keeping its output in a block
 * (within the memory budget, then on disk); it stops when it has the `need`
 * rows read above it (a projection calls the UDF on those rows only).
 */
async function evaluate(ev: AsyncEval, q: number, t: FrameTask, need: number): Promise<LocalBlock> {
  const { task } = t;
  const run = asyncEvaluator(ev, t.op, (spec) => guardAsync(task.fn(spec), spec.op, spec.site));
  const writer = new BatchBlockWriter(ipcFormat, task);
  let rows = 0;
  try {
    for (const b of need > 0 ? executeFrame(ev.input, q, t) : []) {
      const out = await run(ev.kind === 'project' && b.numRows > need - rows ? sliceBatch(b, 0, need - rows) : b);
      if (out && out.numRows > 0) writer.add(out);
      rows += out?.numRows ?? 0;
      if (rows >= need) break;
    }
  } catch (e) {
    writer.keep(false);
    throw e;
  }
  return writer.keep(true)!;
}
