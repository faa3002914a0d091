import { VectorBuilder } from '../batch/builder.js';
import type { ColumnVector } from '../batch/vector.js';
import { dictSize } from '../batch/utf8-dict.js';
import type { DataType } from '../types.js';
import { allocValues, andValidity, clearValid, isNumberStored, makeVector, nullVector, rowReader, validAt, type Raw } from './vector-utils.js';

/**
 * A scalar function bound to its argument types. Most functions give only a
 * row kernel over Raw values; `applyBound` vectorizes it: once per dictionary
 * entry for a string column with constant other arguments, in a typed-array
 * loop for number-stored arguments, row by row otherwise. A function may
 * instead give a whole-vector kernel.
 */
export interface BoundFn {
  returnType: DataType;
  /** Types each argument is cast to before the kernel runs (implicit coercion); undefined: as is. */
  argTypes?: (DataType | undefined)[];
  /** Row kernel for up to 3 arguments; never sees a null argument unless `nullSafe`. Returns null for a null result. */
  row?: (a?: any, b?: any, c?: any) => Raw;
  /** Row kernel for any number of arguments (variadic functions); the array is reused between rows. */
  rowN?: (args: Raw[]) => Raw;
  /** The kernel handles null arguments itself (coalesce, concat); otherwise any null argument gives null. */
  nullSafe?: boolean;
  /** Whole-vector kernel; `constants[k]` is set when argument k is a constant. */
  vector?: (args: ColumnVector[], n: number, constants: (Raw | undefined)[]) => ColumnVector;
}

/** Runs a bound function over argument vectors of n rows (already cast to `argTypes`). */
export function applyBound(fn: BoundFn, args: ColumnVector[], n: number, constants: (Raw | undefined)[]): ColumnVector {
  if (fn.vector) return fn.vector(args, n, constants);
  if (!fn.nullSafe && (args.some((a) => a.type === 'null') || constants.includes(null))) return nullVector(fn.returnType, n);
  if (canUseDict(fn, args, n, constants)) return overDictionary(fn, args[0]!, n, constants);
  if (fn.row && args.length <= 2 && args.every((a) => isNumberStored(a.type)) && isNumberStored(fn.returnType)) {
    return numberLoop(fn, args, n);
  }
  return rowByRow(fn, args, n);
}

function canUseDict(fn: BoundFn, args: ColumnVector[], n: number, constants: (Raw | undefined)[]): boolean {
  const first = args[0];
  if (!fn.row || fn.nullSafe || first?.type !== 'string' || constants[0] !== undefined) return false;
  // A dictionary much larger than the batch would cost more than evaluating each row.
  if (dictSize(first) > n) return false;
  for (let k = 1; k < args.length; k++) if (constants[k] === undefined) return false;
  return true;
}

/** Evaluates the kernel once per dictionary entry and maps the codes: string functions on a dictionary column. */
function overDictionary(fn: BoundFn, arg: ColumnVector, n: number, constants: (Raw | undefined)[]): ColumnVector {
  const dict = arg.dict!;
  const b = constants[1] ?? undefined;
  const c = constants[2] ?? undefined;
  const codes = arg.values as Int32Array;
  const perEntry = new VectorBuilder(fn.returnType, dict.length);
  for (let d = 0; d < dict.length; d++) perEntry.append(fn.row!(dict[d]!, b, c));
  const table = perEntry.finish();
  return gather(table, codes, arg.validity, n);
}

/** Row i of the result is row codes[i] of `table` (null where `validity` says the input row is null). */
function gather(table: ColumnVector, codes: Int32Array, validity: Uint8Array | null, n: number): ColumnVector {
  const type = table.type;
  let outValid: Uint8Array | null = validity ? validity.slice() : null;
  const tv = table.validity;
  if (typeof type === 'object') {
    const objects = new Array<unknown[] | null>(n);
    for (let i = 0; i < n; i++) objects[i] = validAt(outValid, i) ? table.objects![codes[i]!] ?? null : null;
    for (let i = 0; i < n; i++) if (objects[i] === null && validAt(outValid, i)) outValid = clearValid(outValid, n, i);
    return makeVector(type, n, undefined, outValid, undefined, objects);
  }
  const src = table.values;
  const out = allocValues(type, n);
  if (src && out) for (let i = 0; i < n; i++) out[i] = src[codes[i]!]!;
  if (tv) {
    for (let i = 0; i < n; i++) if (!validAt(tv, codes[i]!) && validAt(outValid, i)) outValid = clearValid(outValid, n, i);
  }
  return makeVector(type, n, out, outValid, table.dict);
}

/** One typed-array loop calling the kernel per row: math and date-part functions. */
function numberLoop(fn: BoundFn, args: ColumnVector[], n: number): ColumnVector {
  const out = allocValues(fn.returnType, n)!;
  let validity = andValidity(n, ...args.map((a) => a.validity));
  const row = fn.row!;
  const a = args[0]?.values;
  const b = args[1]?.values;
  for (let i = 0; i < n; i++) {
    if (!validAt(validity, i)) continue;
    const r = (args.length === 0 ? row() : args.length === 1 ? row(a![i]) : row(a![i], b![i])) as number | null;
    if (r === null) validity = clearValid(validity, n, i);
    else out[i] = r;
  }
  return makeVector(fn.returnType, n, out, validity);
}

/** The general path: read each argument as Raw, call the kernel, write Raw. */
function rowByRow(fn: BoundFn, args: ColumnVector[], n: number): ColumnVector {
  const readers = args.map(rowReader);
  const w = new VectorBuilder(fn.returnType, n);
  const scratch: Raw[] = new Array(args.length);
  const k = args.length;
  for (let i = 0; i < n; i++) {
    let anyNull = false;
    for (let j = 0; j < k; j++) {
      const v = readers[j]!(i);
      if (v === null) anyNull = true;
      scratch[j] = v;
    }
    if (anyNull && !fn.nullSafe) {
      w.append(null);
      continue;
    }
    const r = fn.rowN ? fn.rowN(scratch) : k === 1 ? fn.row!(scratch[0]) : k === 2 ? fn.row!(scratch[0], scratch[1]) : fn.row!(scratch[0], scratch[1], scratch[2]);
    w.append(r);
  }
  return w.finish();
}
