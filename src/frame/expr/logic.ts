import type { ColumnVector } from '../batch/vector.js';
import { typeName } from '../types.js';
import { DeterministicError } from '../../util/errors.js';
import { computed, foldIfConstant, type Compiled } from './compiled.js';
import { allocValues, clearValid, makeVector, validAt } from './vector-utils.js';

/**
 * AND, OR, NOT, IS NULL, IS NOT NULL with SQL's three-valued logic:
 * false AND null = false, true OR null = true, NOT null = null.
 */

/** A bool view of a vector: its values (0/1) and validity; an all-null vector for type 'null'. */
function bools(v: ColumnVector): { values: Uint8Array; validity: Uint8Array | null } {
  if (v.type === 'null') return { values: new Uint8Array(v.length), validity: v.validity ?? new Uint8Array((v.length + 7) >> 3) };
  if (v.type !== 'bool') throw new DeterministicError(`expected a boolean, got ${typeName(v.type)}`);
  return { values: v.values as Uint8Array, validity: v.validity };
}

/**
 * AND (`isAnd`) or OR of two bool vectors. The dominant value (false for AND,
 * true for OR) wins over null; otherwise null on either side gives null.
 */
export function andOrVectors(isAnd: boolean, l: ColumnVector, r: ColumnVector): ColumnVector {
  const n = l.length;
  const a = bools(l);
  const b = bools(r);
  const out = new Uint8Array(n);
  const dominant = isAnd ? 0 : 1;
  if (a.validity === null && b.validity === null) {
    if (isAnd) for (let i = 0; i < n; i++) out[i] = a.values[i]! & b.values[i]!;
    else for (let i = 0; i < n; i++) out[i] = a.values[i]! | b.values[i]!;
    return makeVector('bool', n, out, null);
  }
  let validity: Uint8Array | null = null;
  for (let i = 0; i < n; i++) {
    const va = validAt(a.validity, i);
    const vb = validAt(b.validity, i);
    const x = a.values[i]!;
    const y = b.values[i]!;
    if ((va && x === dominant) || (vb && y === dominant)) out[i] = dominant;
    else if (va && vb) out[i] = isAnd ? x & y : x | y;
    else validity = clearValid(validity, n, i);
  }
  return makeVector('bool', n, out, validity);
}

/** NOT: flips values, keeps nulls. */
export function notVector(v: ColumnVector): ColumnVector {
  const { values, validity } = bools(v);
  const n = v.length;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = values[i]! ^ 1;
  return makeVector('bool', n, out, validity ? validity.slice() : null);
}

/** IS NULL (or IS NOT NULL when `negated`): never null itself. */
export function isNullVector(v: ColumnVector, negated: boolean): ColumnVector {
  const n = v.length;
  const out = allocValues('bool', n) as Uint8Array;
  for (let i = 0; i < n; i++) out[i] = validAt(v.validity, i) === negated ? 1 : 0;
  return makeVector('bool', n, out, null);
}

export function compileAndOr(isAnd: boolean, l: Compiled, r: Compiled): Compiled {
  return foldIfConstant([l, r], computed('bool', (b) => andOrVectors(isAnd, l.eval(b), r.eval(b))));
}

export function compileNot(arg: Compiled): Compiled {
  return foldIfConstant([arg], computed('bool', (b) => notVector(arg.eval(b))));
}

export function compileIsNull(arg: Compiled, negated: boolean): Compiled {
  return foldIfConstant([arg], computed('bool', (b) => isNullVector(arg.eval(b), negated)));
}
