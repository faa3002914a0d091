import type { ColumnVector } from '../batch/vector.js';
import { isNumeric, typeName } from '../types.js';
import { DeterministicError } from '../../util/errors.js';
import { castRaw } from './cast.js';
import { commonTypeOf } from './coercion.js';
import { applyCompiled, type Compiled } from './compiled.js';
import { compileComparison } from './comparison.js';
import { comparisonType } from './infer-type.js';
import type { BoundFn } from './kernel.js';
import { compileAndOr, compileNot } from './logic.js';
import { allocValues, andValidity, clearValid, isNumberStored, makeVector, validAt, type Raw } from './vector-utils.js';

/**
 * `x [NOT] IN (a, b, ...)` with SQL semantics: true when x equals an element;
 * otherwise null when x or any element is null, else false. A list of
 * constants becomes one Set probed per row (per dictionary entry for
 * strings); other lists compile to `x = a OR x = b ...`.
 */

export function compileIn(arg: Compiled, list: readonly Compiled[], negated: boolean): Compiled {
  for (const x of list) comparisonType(arg.type, x.type);
  const common = commonTypeOf([arg.type, ...list.map((x) => x.type)]);
  if (common === null) throw new DeterministicError(`IN list values do not match ${typeName(arg.type)}`);
  if (!list.every((x) => x.isConst)) {
    const anyEqual = list.map((x) => compileComparison('=', arg, x)).reduce((a, b) => compileAndOr(false, a, b));
    return negated ? compileNot(anyEqual) : anyEqual;
  }
  const set = new Set<Raw>();
  let hasNull = false;
  for (const x of list) {
    const v = castRaw(x.value ?? null, x.type, common);
    if (v === null) hasNull = true;
    else set.add(v);
  }
  const miss: boolean | null = hasNull ? null : negated;
  const argType = isNumeric(common) ? arg.type : common;
  const fn: BoundFn = isNumberStored(argType)
    ? { returnType: 'bool', vector: ([v]) => probeNumbers(v!, set, !negated, miss) }
    : { returnType: 'bool', row: (x: Raw) => (set.has(x) ? !negated : miss) };
  return applyCompiled({ ...fn, argTypes: [argType] }, [arg]);
}

/** One pass over a number-stored vector: hit, or `miss` (null, true or false). */
function probeNumbers(v: ColumnVector, set: Set<Raw>, hit: boolean, miss: boolean | null): ColumnVector {
  const n = v.length;
  const out = allocValues('bool', n) as Uint8Array;
  let validity = andValidity(n, v.validity);
  const values = v.values;
  if (!values) return makeVector('bool', n, out, new Uint8Array((n + 7) >> 3));
  for (let i = 0; i < n; i++) {
    if (!validAt(validity, i)) continue;
    if (set.has(values[i]!)) out[i] = hit ? 1 : 0;
    else if (miss === null) validity = clearValid(validity, n, i);
    else out[i] = miss ? 1 : 0;
  }
  return makeVector('bool', n, out, validity);
}
