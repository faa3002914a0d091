import { vectorFromValues } from '../../../src/frame/batch/builder.js';
import { getValue } from '../../../src/frame/batch/values.js';
import type { ColumnBatch, ColumnVector } from '../../../src/frame/batch/vector.js';
import type { Expr } from '../../../src/frame/expr/expr-builder.js';
import { compileExpr } from '../../../src/frame/expr/compile.js';
import type { DataType, Schema } from '../../../src/frame/types.js';

/** A batch from named columns of JS values (null for null). */
export function batchOf(cols: Record<string, [DataType, unknown[]]>): ColumnBatch {
  const names = Object.keys(cols);
  const schema: Schema = { fields: names.map((name) => ({ name, type: cols[name]![0], nullable: true })) };
  const columns = names.map((n) => vectorFromValues(cols[n]![0], cols[n]![1]));
  return { schema, columns, numRows: columns[0]?.length ?? 0 };
}

/** Row values of a vector (Date for date/timestamp, as getValue gives them). */
export function valuesOf(v: ColumnVector): unknown[] {
  return Array.from({ length: v.length }, (_, i) => getValue(v, i));
}

/** Compiles and evaluates `e` over `batch`, returning the vector. */
export function evalVector(e: Expr, batch: ColumnBatch): ColumnVector {
  return compileExpr(e.node, batch.schema)(batch);
}

/** Compiles and evaluates `e` over `batch`, returning row values. */
export function evalExpr(e: Expr, batch: ColumnBatch): unknown[] {
  return valuesOf(evalVector(e, batch));
}

/** Days since the epoch of a 'YYYY-MM-DD' date. */
export const days = (s: string): number => Date.UTC(+s.slice(0, 4), +s.slice(5, 7) - 1, +s.slice(8, 10)) / 86400000;
