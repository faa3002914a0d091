import type { ExprNode } from '../expr/expr-node.js';
import type { PlanNode } from '../../plan/node.js';
import type { Schema } from '../types.js';

/**
 * The logical plan: what to compute, not how. Built by the DataFrame facade and
 * by SQL, resolved by the analyzer, rewritten by optimizer rules, then turned
 * into a physical plan. Plain data; rules return new trees and never mutate.
 */
export type LogicalPlan =
  /** A table source; `projection` (column names, in order) and `filters` are filled by pushdown rules. */
  | { kind: 'scan'; source: SourceRef; schema: Schema; projection?: string[]; filters: ExprNode[] }
  /** Each expression names one output column (alias or default name). */
  | { kind: 'project'; input: LogicalPlan; exprs: ExprNode[] }
  | { kind: 'filter'; input: LogicalPlan; predicate: ExprNode }
  /** Output: the group-by columns, then one column per aggregate (each `agg`, optionally aliased). */
  | { kind: 'aggregate'; input: LogicalPlan; groupBy: ExprNode[]; aggs: ExprNode[] }
  /**
   * `on` is a boolean expression over both sides (null for a cross join); `using` lists columns joined by name, output once.
   * A `mark` join outputs every left row once, plus a non-null boolean column named `mark`: whether some right row matched it.
   */
  | { kind: 'join'; left: LogicalPlan; right: LogicalPlan; type: JoinType; on: ExprNode | null; using?: string[]; strategy?: 'broadcast' | 'shuffle'; mark?: string }
  | { kind: 'sort'; input: LogicalPlan; keys: SortKey[] }
  | { kind: 'limit'; input: LogicalPlan; n: number; offset: number }
  | { kind: 'distinct'; input: LogicalPlan }
  /** Rows of all inputs (columns matched by position); `all: false` removes duplicates. */
  | { kind: 'union'; inputs: LogicalPlan[]; all: boolean }
  /** Gives the input's columns a table qualifier (`FROM t AS x`, `df.alias('x')`). */
  | { kind: 'subqueryAlias'; input: LogicalPlan; alias: string }
  /** `repartition(n, ...cols)`: hash by `keys`, or round-robin when there are none. */
  | { kind: 'repartition'; input: LogicalPlan; numPartitions: number; keys: ExprNode[] }
  /** `dropDuplicates(cols)`: keeps the first row per combination of `keys` (all columns when empty). */
  | { kind: 'dropDuplicates'; input: LogicalPlan; keys: string[] }
  /** `df.cache()`: computed once, then kept in the block store (`id` names the cached data). */
  | { kind: 'cache'; input: LogicalPlan; id: number };

export type JoinType = 'inner' | 'left' | 'right' | 'full' | 'semi' | 'anti' | 'cross' | 'mark';

export interface SortKey {
  expr: ExprNode;
  ascending: boolean;
  /** SQL default: nulls last for ascending, first for descending (as in DuckDB and Postgres). */
  nullsFirst: boolean;
}

/**
 * Where a scan's rows come from. `files` are planned into byte-range or
 * row-group splits by io; `memory` holds Arrow IPC batches made on the driver
 * (createDataFrame, fromArrow); `dataset` reads records of a Dataset lineage node.
 */
export type SourceRef =
  | { kind: 'files'; format: 'csv' | 'jsonLines' | 'parquet' | 'arrow'; paths: string[]; options: Record<string, unknown>; name: string }
  | { kind: 'memory'; partitions: Uint8Array[][]; name: string; rows: number }
  | { kind: 'dataset'; node: PlanNode; name: string };

/** Direct children of a plan node, in order. */
export function children(p: LogicalPlan): LogicalPlan[] {
  switch (p.kind) {
    case 'scan':
      return [];
    case 'join':
      return [p.left, p.right];
    case 'union':
      return p.inputs;
    default:
      return [p.input];
  }
}

/** A copy of `p` with its children replaced (same order as `children`). */
export function withChildren(p: LogicalPlan, kids: LogicalPlan[]): LogicalPlan {
  switch (p.kind) {
    case 'scan':
      return p;
    case 'join':
      return { ...p, left: kids[0]!, right: kids[1]! };
    case 'union':
      return { ...p, inputs: kids };
    default:
      return { ...p, input: kids[0]! } as LogicalPlan;
  }
}
