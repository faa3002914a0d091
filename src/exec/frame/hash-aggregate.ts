import { makeBatch, sliceBatch, sliceVector } from '../../frame/batch/batch.js';
import type { BatchStream, ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import { FRAME_BATCH_ROWS } from '../../frame/batch/vector.js';
import { resultTypeOfAgg } from '../../frame/expr/infer-type.js';
import { aggArgTypes, aggStateFieldsForTypes } from '../../frame/physical/agg-state.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import type { DataType } from '../../frame/types.js';
import { elementType } from './aggregates/aggregate.js';
import { createAggregate } from './aggregates/create-aggregate.js';
import { GroupTable, type GroupTableSpec } from './group-table.js';
import type { FrameOpContext } from './op-context.js';

type HashAggregateOp = Extract<PhysOp, { op: 'hashAggregate' }>;

/** Rows folded between two memory checks (a multiple of 8: slices share validity bitmaps). */
const CHUNK_ROWS = 8192;

/**
 * Hash aggregation of one partition. `single`: raw rows in, final values out;
 * `partial`: raw rows in, group keys then each aggregate's state columns out
 * (see aggStateFields); `final`: such state rows in (keys at 0..k-1), final
 * values out. Without group keys the output is exactly one row, even for empty
 * input. Group state is reserved from `ctx.budget` as it grows and spilled to
 * hash-partitioned files when refused (see GroupTable); output comes in
 * batches of up to FRAME_BATCH_ROWS rows, named by `op.schema`. `inputRows`,
 * when known (a final aggregate over a shuffle), sizes the group table.
 */
export function hashAggregate(op: HashAggregateOp, input: BatchStream, ctx: FrameOpContext, inputRows?: number): BatchStream {
  return { [Symbol.iterator]: () => run(op, input, ctx, inputRows) };
}

/**
 * A partial aggregate that barely reduces its input (nearly one group per row,
 * as h2o q10) only costs a hash table; past this many rows, if groups exceed
 * PASS_THROUGH_RATIO of the rows, the rest of the input goes out as one state
 * row per input row (DataFusion's skip_partial_aggregation, by the same probe).
 */
const PROBE_ROWS = 131072;
const PASS_THROUGH_RATIO = 0.8;

function* run(op: HashAggregateOp, input: BatchStream, ctx: FrameOpContext, inputRows?: number): Generator<ColumnBatch> {
  const spec = tableSpec(op);
  const table = new GroupTable(spec, ctx, 0, inputRows);
  let passThrough: Iterator<ColumnBatch> | undefined;
  try {
    if (op.mode === 'final') {
      for (const batch of input) for (let s = 0; s < batch.numRows; s += CHUNK_ROWS) table.merge(sliceBatch(batch, s, s + CHUNK_ROWS));
    } else {
      const schema = op.input.schema;
      const keyFns = op.groupBy.map((e) => ctx.compile(e, schema));
      const argFns = op.aggs.map((a) => a.args.map((e) => ctx.compile(e, schema)));
      let rows = 0;
      const it = input[Symbol.iterator]();
      for (let r = it.next(); !r.done; r = it.next()) {
        const batch = r.value;
        const keys = keyFns.map((f) => f(batch));
        const args = argFns.map((fs) => fs.map((f) => f(batch)));
        const n = batch.numRows;
        rows += n;
        if (n <= CHUNK_ROWS) table.update(keys, args, n);
        else for (let s = 0; s < n; s += CHUNK_ROWS) {
          const e = Math.min(n, s + CHUNK_ROWS);
          const slice = (v: ColumnVector) => sliceVector(v, s, e);
          table.update(keys.map(slice), args.map((vs) => vs.map(slice)), e - s);
        }
        if (op.mode === 'partial' && op.groupBy.length > 0 && rows >= PROBE_ROWS && table.numGroups > PASS_THROUGH_RATIO * rows) {
          passThrough = it;
          break;
        }
      }
    }
    for (const r of table.results()) {
      const n = r.numGroups;
      const values = op.mode === 'partial' ? r.aggs.flatMap((a) => a.states(n)) : r.aggs.map((a) => a.finish(n));
      const out = makeBatch(op.schema, [...r.keys, ...values], n);
      for (let s = 0; s < n; s += FRAME_BATCH_ROWS) yield sliceBatch(out, s, s + FRAME_BATCH_ROWS);
    }
    if (passThrough) yield* rowStates(op, spec, passThrough, ctx);
  } finally {
    table.dispose();
  }
}

/** Each input row as its own group's state row: keys as they are, states from a one-row-per-group fold. */
function* rowStates(op: HashAggregateOp, spec: GroupTableSpec, rest: Iterator<ColumnBatch>, ctx: FrameOpContext): Generator<ColumnBatch> {
  const schema = op.input.schema;
  const keyFns = op.groupBy.map((e) => ctx.compile(e, schema));
  const argFns = op.aggs.map((a) => a.args.map((e) => ctx.compile(e, schema)));
  let ids = new Int32Array(0);
  for (let r = rest.next(); !r.done; r = rest.next()) {
    const batch = r.value;
    const n = batch.numRows;
    if (ids.length < n) ids = Int32Array.from({ length: n }, (_, i) => i);
    const aggs = spec.createAggs();
    const states = aggs.flatMap((a, i) => {
      a.update(ids, argFns[i]!.map((f) => f(batch)), n, n);
      return a.states(n);
    });
    yield makeBatch(op.schema, [...keyFns.map((f) => f(batch)), ...states], n);
  }
}

/** Key types, argument and output types, and state layout of the operator's aggregates. */
function tableSpec(op: HashAggregateOp): GroupTableSpec {
  const k = op.groupBy.length;
  const inFields = op.input.schema.fields;
  const keyTypes = op.schema.fields.slice(0, k).map((f) => f.type);
  let argTypes: DataType[][];
  if (op.mode === 'final') {
    // A state column's first field has the argument's type (or holds it as list elements).
    argTypes = [];
    let col = k;
    for (const a of op.aggs) {
      argTypes.push([elementType(inFields[col]!.type)]);
      col += aggStateFieldsForTypes(a, []).length;
    }
  } else argTypes = op.aggs.map((a) => aggArgTypes(a, op.input.schema));
  const outTypes =
    op.mode === 'partial' ? op.aggs.map((a, i) => resultTypeOfAgg(a.fn, argTypes[i]![0] ?? 'null')) : op.schema.fields.slice(k).map((f) => f.type);
  const stateFields = op.aggs.map((a, i) => aggStateFieldsForTypes(a, argTypes[i]!));
  return {
    keyTypes,
    createAggs: () => op.aggs.map((a, i) => createAggregate(a, argTypes[i]!, outTypes[i]!)),
    widths: stateFields.map((f) => f.length),
    stateSchema: { fields: [...op.schema.fields.slice(0, k), ...stateFields.flat()] },
  };
}
