import type { ColumnVector } from '../batch/vector.js';
import { VectorBuilder } from '../batch/builder.js';
import { getValue } from '../batch/values.js';
import { isNumeric, typeName, type DataType } from '../types.js';
import type { FnSpec } from '../../serde/function-spec.js';
import { compileFunction } from '../../serde/compile-function.js';
import { SluiceError } from '../../util/errors.js';
import { computed, type Compiled } from './compiled.js';

/** Turns a shipped UDF into a callable; the task supplies one that resolves env markers (broadcasts, modules). */
export type UdfCompiler = (spec: FnSpec) => (...args: unknown[]) => unknown;

/**
 * Without a task's compiler, the function is compiled here and gets its env
 * as the last argument as shipped: enough for plain-data env only.
 */
const defaultUdf: UdfCompiler = (spec) => {
  if (spec.slots?.length) throw new SluiceError(`${spec.op}: an env with functions, modules, broadcasts or accumulators is only available inside a task`);
  const fn = compileFunction(spec) as (...args: unknown[]) => unknown;
  return (...args) => fn(...args, spec.env);
};

function checkResult(name: string, type: DataType, value: unknown, row: number): void {
  if (value === null || value === undefined) return;
  const ok = isNumeric(type)
    ? typeof value === 'number'
    : type === 'string'
      ? typeof value === 'string'
      : type === 'bool'
        ? typeof value === 'boolean'
        : type === 'date' || type === 'timestamp'
          ? typeof value === 'number' || value instanceof Date
          : typeof type !== 'object' || Array.isArray(value);
  if (!ok) throw new SluiceError(`udf ${name} returned ${typeof value} ${String(value).slice(0, 40)} at row ${row}, but was declared to return ${typeName(type)}`);
}

/**
 * Calls a UDF row by row: arguments as JS values (Date for date and timestamp,
 * null for null), the result appended to a vector of the declared type.
 */
export function compileUdf(name: string, spec: FnSpec, returnType: DataType, args: readonly Compiled[], compiler?: UdfCompiler): Compiled {
  const fn = (compiler ?? defaultUdf)(spec);
  return computed(returnType, (batch) => {
    const vectors: ColumnVector[] = args.map((a) => a.eval(batch));
    const n = batch.numRows;
    const b = new VectorBuilder(returnType, n);
    const values: unknown[] = new Array(vectors.length);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < vectors.length; k++) values[k] = getValue(vectors[k]!, i);
      const r = fn(...values);
      checkResult(name, returnType, r, i);
      b.append(r);
    }
    return b.finish();
  });
}

/** The column of a UDF's results (awaited elsewhere, one per row), checked against its declared type. */
export function udfVector(name: string, returnType: DataType, results: readonly unknown[]): ColumnVector {
  const b = new VectorBuilder(returnType, results.length);
  for (let i = 0; i < results.length; i++) {
    checkResult(name, returnType, results[i], i);
    b.append(results[i]);
  }
  return b.finish();
}
