import type { AggFn, ExprNode } from '../expr/expr-node.js';
import type { JoinType } from '../logical/plan.js';
import type { Schema } from '../types.js';

/**
 * The physical operators of one stage, as plain data posted to workers. Every
 * expression is bound: its `column` nodes carry `index` into the operator's
 * input schema (for joins: left columns first, then right). Each operator
 * knows its output `schema`.
 *
 * A stage's tree ends at its sources: file or memory scans, Dataset records,
 * or `exchange` reads of a shuffle written by a parent stage.
 */
export type PhysOp =
  | { op: 'scan'; schema: Schema; scan: ScanSpec }
  /** Reads shuffle `dep` of the stage node: this task's partition, or every partition (`broadcast`). */
  | { op: 'exchange'; schema: Schema; dep: number; broadcast: boolean }
  /** Records of a Dataset (narrow dependency `dep` of the stage node) turned into columns. */
  | { op: 'records'; schema: Schema; dep: number }
  /** Cached frame data (narrow dependency `dep`, a cached frame node). */
  | { op: 'cached'; schema: Schema; dep: number }
  | { op: 'filter'; schema: Schema; input: PhysOp; predicate: ExprNode }
  | { op: 'project'; schema: Schema; input: PhysOp; exprs: ExprNode[] }
  /**
   * Hash aggregation. `single`: raw rows in, final values out. `partial`: raw rows in,
   * one row per group of group keys then each aggregate's state columns (see aggStateFields).
   * `final`: partial rows in (group keys at 0..k-1, states after), final values out.
   * Output: group keys then one column per aggregate.
   */
  | { op: 'hashAggregate'; schema: Schema; input: PhysOp; mode: 'single' | 'partial' | 'final'; groupBy: ExprNode[]; aggs: AggCall[] }
  /**
   * Equi-join on `leftKeys[i] = rightKeys[i]` (bound to each side's own schema), then `filter`
   * (bound to left ++ right) for the rest of the condition. The `build` side is held in a hash table
   * (spilling by key hash into partitions when refused memory). Output: left columns then right
   * columns; semi/anti output only left columns, mark joins the left columns and a boolean match column.
   */
  | { op: 'hashJoin'; schema: Schema; left: PhysOp; right: PhysOp; type: JoinType; leftKeys: ExprNode[]; rightKeys: ExprNode[]; filter: ExprNode | null; build: 'left' | 'right' }
  /** Joins without equi keys (cross joins, range conditions): the right side is broadcast and held in memory. */
  | { op: 'nestedLoopJoin'; schema: Schema; left: PhysOp; right: PhysOp; type: JoinType; filter: ExprNode | null }
  /** Sorts the partition (external merge sort past the memory budget); with `limit`, keeps only the top rows. */
  | { op: 'sort'; schema: Schema; input: PhysOp; keys: PhysSortKey[]; limit?: number }
  | { op: 'limit'; schema: Schema; input: PhysOp; n: number; offset: number }
  /** Partition p of a union reads partition p - offset of the input whose range holds p. */
  | { op: 'union'; schema: Schema; inputs: PhysOp[]; partitions: number[] }
  /** Keeps the first row per key combination (dropDuplicates, DISTINCT). */
  | { op: 'dedup'; schema: Schema; input: PhysOp; keys: ExprNode[] };

export interface PhysSortKey {
  expr: ExprNode;
  ascending: boolean;
  nullsFirst: boolean;
}

/** One aggregate of a hashAggregate: its function, bound arguments and output name. */
export interface AggCall {
  fn: AggFn;
  args: ExprNode[];
  distinct: boolean;
  params: number[];
  name: string;
}

/** What a scan of one partition reads: written by io on the driver, read by io on workers. */
export type ScanSpec =
  | { kind: 'files'; format: 'csv' | 'jsonLines' | 'parquet' | 'arrow'; options: Record<string, unknown>; fileSchema: Schema; projection: string[] | null; filters: ExprNode[]; partitions: unknown[][] }
  | { kind: 'memory'; partitions: Uint8Array[][] };

/** How a stage's output is distributed to the next stage's tasks. */
export type FramePartitioning =
  | { kind: 'hash'; keys: ExprNode[]; numPartitions: number }
  | { kind: 'roundRobin'; numPartitions: number }
  /** Everything to one partition (global sort, final limit, broadcast build side). */
  | { kind: 'single' };

export function physChildren(p: PhysOp): PhysOp[] {
  switch (p.op) {
    case 'scan':
    case 'exchange':
    case 'records':
    case 'cached':
      return [];
    case 'hashJoin':
    case 'nestedLoopJoin':
      return [p.left, p.right];
    case 'union':
      return p.inputs;
    default:
      return [p.input];
  }
}

/** The expressions an operator evaluates itself (bound to its input, or left ++ right for joins). */
export function physExprs(op: PhysOp): ExprNode[] {
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
