import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { ExprNode } from '../../frame/expr/expr-node.js';
import type { JoinType } from '../../frame/logical/plan.js';
import type { Schema } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';
import type { FrameOpContext } from './op-context.js';

/**
 * What a join does, compiled once and phrased in build/probe terms: which
 * side's unmatched rows are kept, whether matched pairs are output, and which
 * side a semi/anti join returns. Shared by the hash and nested-loop joins.
 */
export interface JoinSpec {
  readonly type: JoinType;
  readonly buildIsLeft: boolean;
  readonly leftSchema: Schema;
  readonly rightSchema: Schema;
  /** left ++ right: what the residual filter is bound to. */
  readonly pairSchema: Schema;
  readonly outSchema: Schema;
  readonly filter: ((pairs: ColumnBatch) => Int32Array | null) | null;
  /** inner/left/right/full/cross: matched pairs are output. */
  readonly emitPairs: boolean;
  readonly keepUnmatchedProbe: boolean;
  readonly keepUnmatchedBuild: boolean;
  /** semi/anti/mark: the side whose rows are output (the left side, whichever role it plays). */
  readonly filterSide: 'probe' | 'build' | null;
  readonly anti: boolean;
  /** mark: every row of the filter side is output, with its match flag as a last boolean column. */
  readonly mark: boolean;
}

const TYPES = new Set<JoinType>(['inner', 'left', 'right', 'full', 'semi', 'anti', 'cross', 'mark']);

/** Compiles the type-dependent part of a join (`build`: which input is held in memory). */
export function joinSpec(
  type: JoinType,
  build: 'left' | 'right',
  left: Schema,
  right: Schema,
  outSchema: Schema,
  filter: ExprNode | null,
  ctx: FrameOpContext,
): JoinSpec {
  if (!TYPES.has(type)) throw new SluiceError(`join: unknown join type '${String(type)}'`);
  const buildIsLeft = build === 'left';
  const pairSchema: Schema = { fields: [...left.fields, ...right.fields] };
  const keepLeft = type === 'left' || type === 'full';
  const keepRight = type === 'right' || type === 'full';
  const semiAnti = type === 'semi' || type === 'anti' || type === 'mark';
  return {
    type,
    buildIsLeft,
    leftSchema: left,
    rightSchema: right,
    pairSchema,
    outSchema,
    filter: filter ? ctx.compilePredicate(filter, pairSchema) : null,
    emitPairs: !semiAnti,
    keepUnmatchedProbe: buildIsLeft ? keepRight : keepLeft,
    keepUnmatchedBuild: buildIsLeft ? keepLeft : keepRight,
    filterSide: semiAnti ? (buildIsLeft ? 'build' : 'probe') : null,
    anti: type === 'anti',
    mark: type === 'mark',
  };
}

/** Evaluates bound key expressions over batches of one side. */
export function keyEvaluator(keys: readonly ExprNode[], schema: Schema, ctx: FrameOpContext): (b: ColumnBatch) => ColumnVector[] {
  const fns = keys.map((k) => ctx.compile(k, schema));
  return (b) => fns.map((f) => f(b));
}
