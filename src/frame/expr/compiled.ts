import type { ColumnBatch, ColumnVector } from '../batch/vector.js';
import { sameType, type DataType } from '../types.js';
import { castRaw, castVector } from './cast.js';
import { applyBound, type BoundFn } from './kernel.js';
import { constantVector, rowReader, type Raw } from './vector-utils.js';

/**
 * An expression node compiled for one input schema: its result type and an
 * evaluator over batches. Constants are known at compile time so operators
 * can specialize (a string column compared with a literal is evaluated once
 * per dictionary entry) and whole constant subtrees fold into one value.
 */
export interface Compiled {
  readonly type: DataType;
  /** True when the value does not depend on the batch; `value` holds it. */
  readonly isConst: boolean;
  readonly value?: Raw;
  eval(batch: ColumnBatch): ColumnVector;
}

/** A constant of `type`; its vector is built once per batch length and shared (vectors are immutable). */
export function constant(type: DataType, value: Raw): Compiled {
  let cached: ColumnVector | null = null;
  return {
    type,
    isConst: true,
    value,
    eval(batch) {
      if (cached === null || cached.length !== batch.numRows) cached = constantVector(type, value, batch.numRows);
      return cached;
    },
  };
}

/** A non-constant evaluator. */
export function computed(type: DataType, evaluate: (batch: ColumnBatch) => ColumnVector): Compiled {
  return { type, isConst: false, eval: evaluate };
}

const EMPTY_BATCH: ColumnBatch = { schema: { fields: [] }, columns: [], numRows: 1 };

/** Evaluates a batch-independent expression once, into a constant. */
export function fold(c: Compiled): Compiled {
  if (c.isConst) return c;
  const v = c.eval(EMPTY_BATCH);
  return constant(c.type, rowReader(v)(0));
}

/** `c`, folded into a constant when every input is constant. */
export function foldIfConstant(inputs: readonly Compiled[], c: Compiled): Compiled {
  return inputs.every((x) => x.isConst) ? fold(c) : c;
}

/** `c` converted to `to` (constants convert at compile time). */
export function withCast(c: Compiled, to: DataType | undefined): Compiled {
  if (to === undefined || sameType(c.type, to)) return c;
  if (c.isConst) return constant(to, castRaw(c.value ?? null, c.type, to));
  return computed(to, (batch) => castVector(c.eval(batch), to));
}

/** Applies a bound function to compiled arguments (cast to its argument types first). */
export function applyCompiled(fn: BoundFn, args: readonly Compiled[]): Compiled {
  const cast = args.map((a, i) => withCast(a, fn.argTypes?.[i]));
  const constants = cast.map((a) => (a.isConst ? a.value ?? null : undefined));
  const c = computed(fn.returnType, (batch) =>
    applyBound(
      fn,
      cast.map((a) => a.eval(batch)),
      batch.numRows,
      constants,
    ),
  );
  return foldIfConstant(cast, c);
}
