import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { ExprNode } from '../../frame/expr/expr-node.js';
import type { Schema } from '../../frame/types.js';
import type { Metrics } from '../../util/metrics.js';
import type { MemoryBudget } from '../memory-budget.js';

/**
 * What a columnar operator sees of its task: the worker's memory budget (reserve
 * before holding state; spill when refused), a directory for spill files, the
 * task's metrics, and the expression compiler (which knows the task's UDFs).
 */
export interface FrameOpContext {
  readonly budget: MemoryBudget;
  readonly spillDir: string;
  readonly metrics: Metrics;
  readonly partition: number;
  /** Compiles a bound expression over batches of `schema` into a vectorized evaluator. */
  compile(e: ExprNode, schema: Schema): (batch: ColumnBatch) => ColumnVector;
  /** Compiles a bound predicate into a selection: the indices of rows where it is true, or null when every row passes. */
  compilePredicate(e: ExprNode, schema: Schema): (batch: ColumnBatch) => Int32Array | null;
}
