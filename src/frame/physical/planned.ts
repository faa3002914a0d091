import type { Dep, PlanNode } from '../../plan/node.js';
import type { LogicalPlan, SourceRef } from '../logical/plan.js';
import type { ExprNode } from '../expr/expr-node.js';
import { printPlanExpr } from './print-expr.js';
import { stageName } from './print-physical.js';
import { userCallSite } from '../../util/call-site.js';
import type { QField } from './bind.js';
import { toSchema } from './bind.js';
import type { FramePartitioning, PhysOp } from './ops.js';

/** A `cache` node's stage as first planned: its node, and the columns and distribution queries read from it. */
export interface CachedStage {
  node: PlanNode;
  fields: QField[];
  dist: Distribution;
}

/** How a stage's output rows are spread over its partitions, as far as the planner knows. */
export type Distribution = { kind: 'hash'; keys: string[]; numPartitions: number } | { kind: 'single' } | { kind: 'unknown' };

/**
 * A physical subtree being planned: the operators of the current stage, its
 * output columns, the stage's dependencies (shuffles and narrow parents the
 * `exchange`/`records`/`cached` leaves index), partition count and distribution.
 */
export interface Planned {
  op: PhysOp;
  fields: QField[];
  deps: Dep[];
  numPartitions: number;
  dist: Distribution;
}

export interface PlannerContext {
  ids: { nodeId(): number; shuffleId(): number };
  /** Reduce partitions of hash shuffles (Spark's spark.sql.shuffle.partitions). */
  shufflePartitions: number;
  /** Partitions and file schema of a file scan (planned once per source by io). */
  fileScan(source: Extract<SourceRef, { kind: 'files' }>): { partitions: unknown[][]; fileSchema: ReturnType<typeof toSchema> };
  /** The cached stage of a `cache` node, planned once and reused by every query over it. */
  cachedStage(id: number, make: () => CachedStage): CachedStage;
  /** Plans a subtree (the planner's own entry, for recursion from helper files). */
  plan(p: LogicalPlan): Planned;
}

/** The distribution key of bound expressions (their printed form). */
export function distKeys(keys: ExprNode[]): string[] {
  return keys.map(printPlanExpr);
}

export function satisfiesHash(d: Distribution, keys: ExprNode[], n?: number): boolean {
  if (d.kind !== 'hash') return false;
  const want = distKeys(keys);
  return d.keys.length === want.length && d.keys.every((k, i) => k === want[i]) && (n === undefined || d.numPartitions === n);
}

/**
 * Ends the current stage of `child` at a shuffle: its operators become a map
 * stage (a PlanNode) writing by `partitioning`, and the consumer reads the
 * shuffle through an `exchange` leaf. A broadcast exchange writes one
 * partition that every consumer task reads whole.
 */
export function exchange(child: Planned, partitioning: FramePartitioning, ctx: PlannerContext, broadcast = false): Planned {
  const node: PlanNode = { id: ctx.ids.nodeId(), op: stageName(child.op), site: userCallSite(), numPartitions: child.numPartitions, compute: { kind: 'frame', root: child.op }, deps: child.deps };
  const n = partitioning.kind === 'single' ? 1 : partitioning.numPartitions;
  const dep: Dep = { type: 'shuffle', node, shuffle: { shuffleId: ctx.ids.shuffleId(), partitioner: { kind: 'hash', numPartitions: n }, frame: partitioning, op: broadcast ? 'broadcast exchange' : 'exchange' } };
  const dist: Distribution = partitioning.kind === 'hash' ? { kind: 'hash', keys: distKeys(partitioning.keys), numPartitions: n } : partitioning.kind === 'single' ? { kind: 'single' } : { kind: 'unknown' };
  return { op: { op: 'exchange', schema: toSchema(child.fields), dep: 0, broadcast }, fields: child.fields, deps: [dep], numPartitions: n, dist };
}

/** Moves everything to one partition unless it is there already. */
export function toSingle(child: Planned, ctx: PlannerContext): Planned {
  return child.numPartitions === 1 ? { ...child, dist: { kind: 'single' } } : exchange(child, { kind: 'single' }, ctx);
}

/** Combines the dependency lists of two subtrees that will run in one stage: the second's leaves are renumbered. */
export function mergeDeps(a: Planned, b: Planned): { deps: Dep[]; right: PhysOp } {
  return { deps: [...a.deps, ...b.deps], right: shiftDeps(b.op, a.deps.length) };
}

export function shiftDeps(op: PhysOp, k: number): PhysOp {
  if (k === 0) return op;
  switch (op.op) {
    case 'exchange':
    case 'records':
    case 'cached':
      return { ...op, dep: op.dep + k };
    case 'scan':
      return op;
    case 'hashJoin':
    case 'nestedLoopJoin':
      return { ...op, left: shiftDeps(op.left, k), right: shiftDeps(op.right, k) };
    case 'union':
      return { ...op, inputs: op.inputs.map((i) => shiftDeps(i, k)) };
    default:
      return { ...op, input: shiftDeps(op.input, k) } as PhysOp;
  }
}
