import type { DataType } from '../types.js';
import { roundDecimal } from './decimal-round.js';
import { expectArg, type ScalarFunction } from './function-def.js';

/**
 * Math functions over number-stored columns (run in a typed-array loop by the
 * executor). IEEE results pass through as in DuckDB (pow(-8, 1/3) is NaN,
 * exp(1000) Infinity); where DuckDB raises an error (sqrt of a negative, log
 * of zero or less) the result is null, so one bad row does not fail a job.
 */

/** A float64 function of numeric arguments. */
function toDouble(name: string, params: string[], f: (...x: number[]) => number | null, introducesNulls = false): ScalarFunction {
  const def: ScalarFunction = {
    name,
    signature: `${name}(${params.join(', ')})`,
    minArgs: params.length,
    maxArgs: params.length,
    introducesNulls,
    bind(types) {
      types.forEach((_, i) => expectArg(def, types, i, 'numeric'));
      return { returnType: 'float64', row: f };
    },
  };
  return def;
}

/** Keeps an integer argument's type (abs, sign); 'null' stays int32. */
const sameNumeric = (t: DataType | undefined): DataType => (t === undefined || t === 'null' ? 'int32' : t);

const abs: ScalarFunction = {
  name: 'abs',
  signature: 'abs(x)',
  minArgs: 1,
  maxArgs: 1,
  bind(types) {
    expectArg(this, types, 0, 'numeric');
    return { returnType: sameNumeric(types[0]), row: Math.abs };
  },
};

const sign: ScalarFunction = {
  name: 'sign',
  signature: 'sign(x)',
  minArgs: 1,
  maxArgs: 1,
  bind(types) {
    expectArg(this, types, 0, 'numeric');
    return { returnType: 'int32', row: (x: number) => (x > 0 ? 1 : x < 0 ? -1 : 0) };
  },
};

/** Spark's round (HALF_UP on the printed decimal) or bround (HALF_EVEN); negative digits round tens, hundreds... */
function rounding(name: string, halfEven: boolean): ScalarFunction {
  const def: ScalarFunction = {
    name,
    signature: `${name}(x, digits?)`,
    minArgs: 1,
    maxArgs: 2,
    bind(types) {
      expectArg(def, types, 0, 'numeric');
      expectArg(def, types, 1, 'integer');
      // Integers keep their type: round(15, -1) = 20; round(15, 1) = 15.
      return { returnType: sameNumeric(types[0]), row: (x: number, d?: number) => roundDecimal(x, d ?? 0, halfEven) };
    },
  };
  return def;
}

/** Spark's log: log(x) is the natural logarithm, log(base, x) the logarithm to `base`; null unless both are > 0. */
const log: ScalarFunction = {
  name: 'log',
  signature: 'log(base?, x)',
  minArgs: 1,
  maxArgs: 2,
  introducesNulls: true,
  bind(types) {
    types.forEach((_, i) => expectArg(this, types, i, 'numeric'));
    if (types.length === 1) return { returnType: 'float64', row: (x: number) => (x <= 0 ? null : Math.log(x)) };
    return { returnType: 'float64', row: (b: number, x: number) => (b <= 0 || x <= 0 ? null : Math.log(x) / Math.log(b)) };
  },
};

export const MATH_FUNCTIONS: readonly ScalarFunction[] = [
  abs,
  sign,
  rounding('round', false),
  rounding('bround', true),
  toDouble('floor', ['x'], Math.floor),
  toDouble('ceil', ['x'], Math.ceil),
  toDouble('sqrt', ['x'], (x) => (x < 0 ? null : Math.sqrt(x)), true),
  toDouble('exp', ['x'], Math.exp),
  toDouble('ln', ['x'], (x) => (x <= 0 ? null : Math.log(x)), true),
  toDouble('log10', ['x'], (x) => (x <= 0 ? null : Math.log10(x)), true),
  log,
  toDouble('log2', ['x'], (x) => (x <= 0 ? null : Math.log2(x)), true),
  toDouble('pow', ['x', 'y'], Math.pow),
];
