import type { DataType } from '../types.js';
import { DeterministicError } from '../../util/errors.js';
import { CONDITIONAL_FUNCTIONS } from './conditional-functions.js';
import { DATE_FUNCTIONS } from './date-functions.js';
import type { ScalarFunction } from './function-def.js';
import type { BoundFn } from './kernel.js';
import { MATH_FUNCTIONS } from './math-functions.js';
import { STRING_FUNCTIONS } from './string-functions.js';

/**
 * The registry of scalar functions a `call` node may name, by lower-case
 * name, plus the aliases SQL dialects use for them.
 */
const REGISTRY = new Map<string, ScalarFunction>();
for (const f of [...STRING_FUNCTIONS, ...MATH_FUNCTIONS, ...DATE_FUNCTIONS, ...CONDITIONAL_FUNCTIONS]) REGISTRY.set(f.name, f);

const ALIASES: Record<string, string> = {
  substr: 'substring',
  char_length: 'length',
  character_length: 'length',
  ceiling: 'ceil',
  power: 'pow',
  dayofmonth: 'day',
  ifnull: 'coalesce',
  str_split: 'string_split',
  prefix: 'starts_with',
  suffix: 'ends_with',
  lcase: 'lower',
  ucase: 'upper',
};

/** Names a call node may use (canonical names first, then aliases), sorted. */
export function scalarFunctionNames(): string[] {
  return [...REGISTRY.keys(), ...Object.keys(ALIASES)].sort();
}

/**
 * The function named `name` (case-insensitive, aliases resolved).
 * @throws SluiceError naming the known functions when there is none.
 */
export function lookupFunction(name: string): ScalarFunction {
  const key = name.toLowerCase();
  const f = REGISTRY.get(ALIASES[key] ?? key);
  if (!f) throw new DeterministicError(`unknown function ${name}(); known functions: ${scalarFunctionNames().join(', ')}`);
  return f;
}

/**
 * Binds `name` to argument types: checks the number and the types of the arguments.
 * @throws SluiceError for an unknown function, a wrong number of arguments or unsupported types.
 */
export function bindFunction(name: string, argTypes: DataType[]): BoundFn {
  const f = lookupFunction(name);
  if (argTypes.length < f.minArgs || argTypes.length > f.maxArgs) {
    const expected = f.minArgs === f.maxArgs ? `${f.minArgs}` : f.maxArgs === Infinity ? `at least ${f.minArgs}` : `${f.minArgs} to ${f.maxArgs}`;
    throw new DeterministicError(`${f.signature} takes ${expected} argument(s), got ${argTypes.length}`);
  }
  return f.bind(argTypes);
}
