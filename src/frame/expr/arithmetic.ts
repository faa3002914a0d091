import type { ColumnVector } from '../batch/vector.js';
import type { BinaryOp } from './expr-node.js';
import type { DataType } from '../types.js';
import { DeterministicError, QueryError } from '../../util/errors.js';
import { computed, constant, foldIfConstant, type Compiled } from './compiled.js';
import { arithmeticType } from './infer-type.js';
import { allocValues, andValidity, clearValid, makeVector, validAt } from './vector-utils.js';

/**
 * + - * / % and unary minus, one typed-array loop per operator. Nulls
 * propagate. As in DuckDB (checked against @duckdb/node-api 1.5): `/` is
 * float64 division with IEEE results (x / 0 is ±Infinity, 0 / 0 NaN); integer
 * x % 0 is null, float x % 0 NaN. int32 results that overflow
 * raise an error, as DuckDB does, rather than wrap silently; int64 is held in
 * float64 and exact to 2^53.
 */

type Nums = Int32Array | Float64Array;

/** out[i] = a[i] op b[i] for every row (null rows included: their values are arbitrary and masked). */
function loop(op: BinaryOp, a: Nums, b: Nums, out: Nums, n: number): void {
  switch (op) {
    case '+':
      for (let i = 0; i < n; i++) out[i] = a[i]! + b[i]!;
      return;
    case '-':
      for (let i = 0; i < n; i++) out[i] = a[i]! - b[i]!;
      return;
    case '*':
      for (let i = 0; i < n; i++) out[i] = a[i]! * b[i]!;
      return;
    case '/':
      for (let i = 0; i < n; i++) out[i] = a[i]! / b[i]!;
      return;
    case '%':
      for (let i = 0; i < n; i++) out[i] = a[i]! % b[i]!;
      return;
    default:
      throw new DeterministicError(`not an arithmetic operator: ${op}`);
  }
}

/** Marks rows whose divisor is 0 null (integer %). */
function nullDivisions(b: Nums, validity: Uint8Array | null, n: number): Uint8Array | null {
  let v = validity;
  for (let i = 0; i < n; i++) if (b[i] === 0 && validAt(v, i)) v = clearValid(v, n, i);
  return v;
}

/** Narrows float64 results into int32, raising on overflow in a valid row. */
function narrowInt32(wide: Float64Array, validity: Uint8Array | null, n: number, what: string): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const x = wide[i]!;
    if ((x | 0) !== x && validAt(validity, i)) {
      throw new QueryError(`integer overflow: ${what} gives ${x}, out of int32 range; cast an operand to int64 first`);
    }
    out[i] = x;
  }
  return out;
}

/** Evaluates `left op right` over two vectors. */
export function arithmeticVectors(op: BinaryOp, type: DataType, l: ColumnVector, r: ColumnVector, what: string = op): ColumnVector {
  const n = l.length;
  let validity = andValidity(n, l.validity, r.validity);
  const a = l.values as Nums;
  const b = r.values as Nums;
  if (type === 'int32' || type === 'date') {
    const wide = new Float64Array(n);
    loop(op, a, b, wide, n);
    if (op === '%') validity = nullDivisions(b, validity, n);
    return makeVector(type, n, narrowInt32(wide, validity, n, what), validity);
  }
  const out = allocValues(type, n) as Nums;
  loop(op, a, b, out, n);
  if (type === 'int64') {
    // Integers have no -0 (float64 holds them: -3 * 0 and -3 % 3 would be -0, and 1 / -0 is -Infinity).
    for (let i = 0; i < n; i++) if (out[i] === 0) out[i] = 0;
    if (op === '%') validity = nullDivisions(b, validity, n);
  }
  return makeVector(type, n, out, validity);
}

/** Compiles `left op right` for an arithmetic operator. @throws SluiceError for unsupported operand types. */
export function compileArithmetic(op: BinaryOp, l: Compiled, r: Compiled, what: string): Compiled {
  const type = arithmeticType(op, l.type, r.type);
  if (l.type === 'null' || r.type === 'null' || type === 'null') return constant(type, null);
  const c = computed(type, (batch) => arithmeticVectors(op, type, l.eval(batch), r.eval(batch), what));
  return foldIfConstant([l, r], c);
}

/** Unary minus: same type; -(int32 min) overflows like any int32 result. */
export function compileNegate(arg: Compiled, what: string): Compiled {
  const type = arithmeticType('-', 'int32', arg.type);
  if (arg.type === 'null') return constant(type, null);
  const c = computed(type, (batch) => {
    const v = arg.eval(batch);
    // -1 * x keeps the sign of zero (-(0.0) is -0.0) and checks int32 overflow like any product.
    const minusOnes = allocValues(v.type, v.length)!.fill(-1);
    return arithmeticVectors('*', type, v, makeVector(v.type, v.length, minusOnes, null), what);
  });
  return foldIfConstant([arg], c);
}
