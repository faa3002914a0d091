import type { DataType } from '../types.js';
import { expectArg, type ScalarFunction } from './function-def.js';
import { javaRegex, javaSplit } from './java-regex.js';
import type { BoundFn } from './kernel.js';
import type { Raw } from './vector-utils.js';

/**
 * String functions. Each is a row kernel over JS strings; the executor runs
 * it once per dictionary entry when the other arguments are constants, so a
 * column of few distinct values costs few calls. Positions are 1-based and
 * lengths count UTF-16 code units, except `length` which counts code points.
 */

/** A function of one string returning a value of `returnType`. */
function unary(name: string, returnType: DataType, f: (s: string) => Raw): ScalarFunction {
  const def: ScalarFunction = {
    name,
    signature: `${name}(s)`,
    minArgs: 1,
    maxArgs: 1,
    bind(types) {
      expectArg(def, types, 0, 'string');
      return { returnType, row: f };
    },
  };
  return def;
}

/** `s` without the characters of `chars` at the start and/or the end. */
function trimChars(s: string, chars: string, start: boolean, end: boolean): string {
  let a = 0;
  let b = s.length;
  if (chars === ' ') {
    while (start && a < b && s.charCodeAt(a) === 32) a++;
    while (end && b > a && s.charCodeAt(b - 1) === 32) b--;
  } else {
    const set = new Set(chars);
    const cps = [...s];
    let i = 0;
    let j = cps.length;
    while (start && i < j && set.has(cps[i]!)) i++;
    while (end && j > i && set.has(cps[j - 1]!)) j--;
    return cps.slice(i, j).join('');
  }
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Spark's trim, ltrim, rtrim: spaces (U+0020 only, not tabs or newlines), or the characters of a second argument. */
function trimming(name: string, start: boolean, end: boolean): ScalarFunction {
  const def: ScalarFunction = {
    name,
    signature: `${name}(s, chars?)`,
    minArgs: 1,
    maxArgs: 2,
    bind(types) {
      types.forEach((_, i) => expectArg(def, types, i, 'string'));
      return { returnType: 'string', row: (s: string, chars = ' ') => trimChars(s, chars, start, end) };
    },
  };
  return def;
}

/** A function of a string and further string arguments (usually constants). */
function withStrings(name: string, signature: string, arity: number, returnType: DataType, f: (s: string, a: string, b: string) => Raw): ScalarFunction {
  const def: ScalarFunction = {
    name,
    signature,
    minArgs: arity,
    maxArgs: arity,
    bind(types) {
      types.forEach((_, i) => expectArg(def, types, i, 'string'));
      return { returnType, row: f };
    },
  };
  return def;
}

function codePoints(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0xd800 || c > 0xdbff) n++;
  }
  return n;
}

const SURROGATE = /[\uD800-\uDFFF]/;

/**
 * Spark's substring: 1-based start counted in characters (code points); 0 is the first character
 * like 1, a negative start counts from the end; a length <= 0 gives ''.
 */
export function substringOf(s: string, start: number, length?: number): string {
  const chars: string | string[] = SURROGATE.test(s) ? [...s] : s;
  const n = chars.length;
  const begin = start > 0 ? start - 1 : start === 0 ? 0 : n + start;
  const end = length === undefined ? n : begin + length;
  const b = Math.max(0, begin);
  if (end <= b) return '';
  const e = Math.min(end, n);
  return typeof chars === 'string' ? chars.slice(b, e) : chars.slice(b, e).join('');
}

const substring: ScalarFunction = {
  name: 'substring',
  signature: 'substring(s, start, length?)',
  minArgs: 2,
  maxArgs: 3,
  bind(types) {
    expectArg(this, types, 0, 'string');
    expectArg(this, types, 1, 'integer');
    expectArg(this, types, 2, 'integer');
    return { returnType: 'string', row: (s: string, start: number, len?: number) => substringOf(s, start, len) };
  },
};

const regexpExtract: ScalarFunction = {
  name: 'regexp_extract',
  signature: 'regexp_extract(s, pattern, group?)',
  minArgs: 2,
  maxArgs: 3,
  bind(types) {
    expectArg(this, types, 0, 'string');
    expectArg(this, types, 1, 'string');
    expectArg(this, types, 2, 'integer');
    // A Java pattern, as in Spark; no match gives '' (not null), as in DuckDB and Spark.
    const row = (s: string, p: string, group = 0): string => javaRegex(p, 'regexp_extract').exec(s)?.[group] ?? '';
    return { returnType: 'string', row };
  },
};

const concat: ScalarFunction = {
  name: 'concat',
  signature: 'concat(a, b, ...)',
  minArgs: 1,
  maxArgs: Infinity,
  bind(types) {
    // Every argument is converted to string; null arguments are skipped (DuckDB's concat).
    const argTypes = types.map((t) => (typeof t === 'object' ? t : t === 'null' ? undefined : 'string'));
    const rowN = (args: Raw[]): string => {
      let out = '';
      for (const a of args) if (a !== null) out += a as string;
      return out;
    };
    return { returnType: 'string', argTypes, rowN, nullSafe: true };
  },
};

/** The `||` operator: like concat but null when either side is null (SQL). */
export const concatOperator: BoundFn = { returnType: 'string', argTypes: ['string', 'string'], row: (a: string, b: string) => a + b };

/** Spark's split: a Java regular expression and an optional limit (see javaSplit). */
const split: ScalarFunction = {
  name: 'split',
  signature: 'split(s, pattern, limit?)',
  minArgs: 2,
  maxArgs: 3,
  bind(types) {
    expectArg(this, types, 0, 'string');
    expectArg(this, types, 1, 'string');
    expectArg(this, types, 2, 'integer');
    return { returnType: { list: 'string' }, row: (s: string, p: string, limit = -1) => javaSplit(s, p, limit) };
  },
};

export const STRING_FUNCTIONS: readonly ScalarFunction[] = [
  unary('lower', 'string', (s) => s.toLowerCase()),
  unary('upper', 'string', (s) => s.toUpperCase()),
  trimming('trim', true, true),
  trimming('ltrim', true, false),
  trimming('rtrim', false, true),
  unary('reverse', 'string', (s) => [...s].reverse().join('')),
  unary('length', 'int64', codePoints),
  substring,
  regexpExtract,
  concat,
  split,
  // DuckDB's string_split: a literal separator.
  withStrings('string_split', 'string_split(s, separator)', 2, { list: 'string' }, (s, sep) => s.split(sep)),
  withStrings('contains', 'contains(s, part)', 2, 'bool', (s, p) => s.includes(p)),
  withStrings('starts_with', 'starts_with(s, prefix)', 2, 'bool', (s, p) => s.startsWith(p)),
  withStrings('ends_with', 'ends_with(s, suffix)', 2, 'bool', (s, p) => s.endsWith(p)),
  withStrings('replace', 'replace(s, from, to)', 3, 'string', (s, a, b) => s.split(a).join(b)),
];
