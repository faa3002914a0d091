import { isNumeric, typeName, type DataType } from '../types.js';
import { DeterministicError } from '../../util/errors.js';
import type { BoundFn } from './kernel.js';

/** A scalar function of the registry (see scalar-functions.ts), before its argument types are known. */
export interface ScalarFunction {
  name: string;
  /** How it is called, for error messages: `substring(s, start, length?)`. */
  signature: string;
  minArgs: number;
  maxArgs: number;
  /** May return null for non-null arguments (to_date of a bad string, sqrt of a negative number); a function of the argument types when it depends on them. */
  introducesNulls?: boolean | ((argTypes: DataType[]) => boolean);
  /** Checks argument types and picks the kernel. @throws SluiceError for unsupported argument types. */
  bind(argTypes: DataType[]): BoundFn;
}

export type ArgKind = 'numeric' | 'string' | 'temporal' | 'integer';

function matches(t: DataType, kind: ArgKind): boolean {
  if (t === 'null') return true;
  switch (kind) {
    case 'numeric':
      return isNumeric(t);
    case 'integer':
      return t === 'int32' || t === 'int64';
    case 'string':
      return t === 'string';
    case 'temporal':
      return t === 'date' || t === 'timestamp';
  }
}

/** @throws SluiceError unless argument `i` of `fn` has a type of `kind`. */
export function expectArg(fn: ScalarFunction | string, argTypes: DataType[], i: number, kind: ArgKind): void {
  const t = argTypes[i];
  if (t !== undefined && !matches(t, kind)) {
    const sig = typeof fn === 'string' ? fn : fn.signature;
    throw new DeterministicError(`${sig}: argument ${i + 1} must be ${kind === 'integer' ? 'an integer' : kind}, got ${typeName(t)}`);
  }
}
