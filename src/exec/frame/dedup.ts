import { takeRows } from '../../frame/batch/batch.js';
import type { BatchStream, ColumnBatch } from '../../frame/batch/vector.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import { inferType } from '../../frame/expr/infer-type.js';
import { GroupKeys } from './group-keys.js';
import type { FrameOpContext } from './op-context.js';

type DedupOp = Extract<PhysOp, { op: 'dedup' }>;

/**
 * Keeps the first row of each key combination (every column when `op.keys` is
 * empty), streaming: a row passes when its key gets a new group id. The key
 * table's memory is reserved from `ctx.budget` as it grows; it does not spill
 * (past the budget it goes on unreserved).
 */
export function dedup(op: DedupOp, input: BatchStream, ctx: FrameOpContext): BatchStream {
  return { [Symbol.iterator]: () => run(op, input, ctx) };
}

function* run(op: DedupOp, input: BatchStream, ctx: FrameOpContext): Generator<ColumnBatch> {
  const schema = op.input.schema;
  const keyFns = op.keys.map((e) => ctx.compile(e, schema));
  const groups = new GroupKeys(op.keys.length > 0 ? op.keys.map((e) => inferType(e, schema)) : schema.fields.map((f) => f.type));
  let reserved = 0;
  try {
    for (const batch of input) {
      const n = batch.numRows;
      if (n === 0) continue;
      const keys = keyFns.length > 0 ? keyFns.map((f) => f(batch)) : batch.columns;
      let next = groups.size;
      const ids = groups.assign(keys, n);
      // New ids are handed out in order of first appearance, so a row is first of its group iff its id is the next new one.
      const keep = new Int32Array(n);
      let k = 0;
      for (let i = 0; i < n; i++) if (ids[i] === next) (keep[k++] = i), next++;
      const need = groups.bytes();
      if (need > reserved && ctx.budget.tryReserve(need - reserved)) reserved = need;
      if (k === n) yield { schema: op.schema, columns: batch.columns, numRows: n };
      else if (k > 0) yield { ...takeRows(batch, keep.subarray(0, k)), schema: op.schema };
    }
  } finally {
    ctx.budget.release(reserved);
  }
}
