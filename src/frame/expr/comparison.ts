import type { ColumnVector } from '../batch/vector.js';
import { isNumeric } from '../types.js';
import type { BinaryOp } from './expr-node.js';
import { DeterministicError } from '../../util/errors.js';
import { computed, constant, foldIfConstant, withCast, type Compiled } from './compiled.js';
import { comparisonType } from './infer-type.js';
import { andValidity, makeVector, type Raw } from './vector-utils.js';

/**
 * = != < <= > >= over any comparable type; null on either side gives null.
 * Numbers, dates, timestamps and booleans compare their values arrays in one
 * loop. A string column against a constant compares each dictionary entry
 * once and then maps the codes.
 */

type CmpOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

/** The operator with its sides swapped: `5 < x` is `x > 5`. */
const FLIPPED: Record<CmpOp, CmpOp> = { '=': '=', '!=': '!=', '<': '>', '<=': '>=', '>': '<', '>=': '<=' };

// Each operator as a 3-bit mask over the outcomes less (bit 0), equal (bit 1), greater (bit 2);
// one loop per operand shape serves all six operators.
const MASK: Record<CmpOp, number> = { '=': 2, '!=': 5, '<': 1, '<=': 3, '>': 4, '>=': 6 };

/** Outcome bit index when neither x < y nor x > y nor x === y: a NaN is involved. As in DuckDB, NaN equals NaN and sorts above every number. */
const nanOrder = (x: number, y: number): number => (x !== x ? (y !== y ? 1 : 2) : 0);

/** Compares two vectors of one comparable type (or of numeric types) row by row. */
export function compareVectors(op: CmpOp, l: ColumnVector, r: ColumnVector): ColumnVector {
  const n = l.length;
  const out = new Uint8Array(n);
  const mask = MASK[op];
  if (l.type === 'string') {
    const [da, ca, db, cb] = [l.dict!, l.values!, r.dict!, r.values!];
    for (let i = 0; i < n; i++) {
      const x = da[ca[i]!]!;
      const y = db[cb[i]!]!;
      out[i] = (mask >> (x < y ? 0 : x === y ? 1 : 2)) & 1;
    }
  } else {
    const [a, b] = [l.values!, r.values!];
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      const y = b[i]!;
      out[i] = (mask >> (x < y ? 0 : x > y ? 2 : x === y ? 1 : nanOrder(x, y))) & 1;
    }
  }
  return makeVector('bool', n, out, andValidity(n, l.validity, r.validity));
}

/** Compares a vector with one constant; strings once per dictionary entry, then by code. */
export function compareWithConstant(op: CmpOp, l: ColumnVector, value: Raw): ColumnVector {
  const n = l.length;
  const out = new Uint8Array(n);
  const mask = MASK[op];
  const validity = l.validity ? l.validity.slice() : null;
  if (l.type === 'string') {
    const dict = l.dict!;
    const k = value as string;
    const perEntry = new Uint8Array(dict.length);
    for (let d = 0; d < dict.length; d++) {
      const x = dict[d]!;
      perEntry[d] = (mask >> (x < k ? 0 : x === k ? 1 : 2)) & 1;
    }
    const codes = l.values as Int32Array;
    for (let i = 0; i < n; i++) out[i] = perEntry[codes[i]!]!;
  } else {
    const a = l.values!;
    const k = typeof value === 'boolean' ? (value ? 1 : 0) : (value as number);
    for (let i = 0; i < n; i++) {
      const x = a[i]!;
      out[i] = (mask >> (x < k ? 0 : x > k ? 2 : x === k ? 1 : nanOrder(x, k))) & 1;
    }
  }
  return makeVector('bool', n, out, validity);
}

/** Compiles a comparison, converting both sides to their common type. @throws SluiceError when they cannot be compared. */
export function compileComparison(op: BinaryOp, left: Compiled, right: Compiled): Compiled {
  if (!(op in FLIPPED)) throw new DeterministicError(`not a comparison operator: ${op}`);
  const cmp = op as CmpOp;
  const t = comparisonType(left.type, right.type);
  if (left.type === 'null' || right.type === 'null') return constant('bool', null);
  // Numbers of different types compare as they are stored; other types convert to the common one.
  const l = isNumeric(t) ? left : withCast(left, t);
  const r = isNumeric(t) ? right : withCast(right, t);
  if (l.isConst && r.isConst) return foldIfConstant([l, r], computed('bool', (b) => compareVectors(cmp, l.eval(b), r.eval(b))));
  if (r.isConst) return constValue(r) === null ? constant('bool', null) : computed('bool', (b) => compareWithConstant(cmp, l.eval(b), constValue(r)));
  if (l.isConst) return constValue(l) === null ? constant('bool', null) : computed('bool', (b) => compareWithConstant(FLIPPED[cmp], r.eval(b), constValue(l)));
  return computed('bool', (b) => compareVectors(cmp, l.eval(b), r.eval(b)));
}

const constValue = (c: Compiled): Raw => c.value ?? null;
