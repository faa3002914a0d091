import { compareRows, sortIndices } from '../../frame/batch/compare.js';
import { concatBatches, makeBatch, takeRows } from '../../frame/batch/batch.js';
import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { PhysSortKey } from '../../frame/physical/ops.js';
import type { Field, Schema } from '../../frame/types.js';
import type { FrameOpContext } from './op-context.js';

/**
 * Sort operators carry their evaluated key columns after the data columns
 * ("keyed" batches), so spilled runs are merged without re-evaluating keys.
 */
export interface SortKeys {
  readonly dataColumns: number;
  readonly orders: readonly { ascending: boolean; nullsFirst: boolean }[];
  /** The batch with its evaluated keys appended. */
  keyed(b: ColumnBatch): ColumnBatch;
}

/** Compiles the sort keys of a sort over `schema`. */
export function sortKeys(keys: readonly PhysSortKey[], schema: Schema, ctx: FrameOpContext): SortKeys {
  const fns = keys.map((k) => ctx.compile(k.expr, schema));
  const orders = keys.map((k) => ({ ascending: k.ascending, nullsFirst: k.nullsFirst }));
  const dataColumns = schema.fields.length;
  return {
    dataColumns,
    orders,
    keyed(b) {
      const cols = fns.map((f) => f(b));
      const fields: Field[] = cols.map((c, i) => ({ name: `__sort_key_${i}`, type: c.type, nullable: true }));
      return makeBatch({ fields: [...b.schema.fields, ...fields] }, [...b.columns, ...cols], b.numRows);
    },
  };
}

/** The key columns of a keyed batch. */
export function keyColumns(s: SortKeys, b: ColumnBatch): readonly ColumnVector[] {
  return b.columns.slice(s.dataColumns);
}

/** A keyed batch without its keys, under the operator's output schema. */
export function dataOnly(s: SortKeys, b: ColumnBatch, schema: Schema): ColumnBatch {
  return makeBatch(schema, b.columns.slice(0, s.dataColumns), b.numRows);
}

/** Sorts keyed batches in memory (stable: equal keys keep their input order) into one keyed batch. */
export function sortKeyed(s: SortKeys, batches: readonly ColumnBatch[]): ColumnBatch {
  const all = batches.length === 1 ? batches[0]! : concatBatches(batches[0]!.schema, batches);
  return takeRows(all, sortIndices(keyColumns(s, all), s.orders, all.numRows));
}

/** Compares row i of key columns `a` with row j of key columns `b` (from keyColumns). */
export function compareKeys(s: SortKeys, a: readonly ColumnVector[], i: number, b: readonly ColumnVector[], j: number): number {
  return compareRows(a, i, b, j, s.orders);
}
