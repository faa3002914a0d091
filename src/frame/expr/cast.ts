import type { ColumnVector } from '../batch/vector.js';
import { sameType, typeName, type DataType } from '../types.js';
import { DeterministicError } from '../../util/errors.js';
import { applyBound, type BoundFn } from './kernel.js';
import { MS_PER_DAY } from '../dates/calendar.js';
import { formatDate, formatTimestamp, parseDate, parseTimestamp } from '../dates/date-text.js';
import { nullVector, type Raw } from './vector-utils.js';

/**
 * CAST with TRY_CAST semantics: a value that cannot be converted (an
 * unparsable string, a number out of int32 range) becomes null instead of
 * failing the job. Strings parse after trimming blanks.
 */

type Kernel = (v: any) => Raw;

const INT32_MIN = -2147483648;
const INT32_MAX = 2147483647;
const INT64_LIMIT = 2 ** 63;

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$|^0x[0-9a-f]+$/i;
const SPECIAL: Record<string, number> = { inf: Infinity, '+inf': Infinity, '-inf': -Infinity, infinity: Infinity, '+infinity': Infinity, '-infinity': -Infinity, nan: NaN };

/** A decimal or hex number, inf or nan in a string (blanks trimmed, as DuckDB parses doubles), or null. */
export function parseNumber(s: string): number | null {
  const t = s.trim();
  if (NUMBER_RE.test(t)) return Number(t);
  const special = SPECIAL[t.toLowerCase()];
  return special === undefined ? null : special;
}

/** Decimal text rounds half away from zero ('2.5' → 3); doubles round half to even (2.5 → 2), as DuckDB casts them. */
const roundHalfAway = (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x));
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  return diff < 0.5 ? f : diff > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
}

const int32Range = (r: number): number | null => (r >= INT32_MIN && r <= INT32_MAX ? r : null);
const int64Range = (r: number): number | null => (r >= -INT64_LIMIT && r < INT64_LIMIT ? r : null);

const TRUE_WORDS = new Set(['true', 't', 'yes', 'y', '1']);
const FALSE_WORDS = new Set(['false', 'f', 'no', 'n', '0']);

function parseBool(s: string): boolean | null {
  const t = s.trim().toLowerCase();
  return TRUE_WORDS.has(t) ? true : FALSE_WORDS.has(t) ? false : null;
}

/** How DuckDB prints a double: integral values keep a '.0'. */
export function formatDouble(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return Number.isInteger(x) && Math.abs(x) < 1e15 ? `${x}.0` : String(x);
}

function toStringKernel(from: DataType): Kernel | undefined {
  if (typeof from === 'object') return (v: unknown[]) => `[${v.map((x) => (x === null ? 'NULL' : String(x))).join(', ')}]`;
  switch (from) {
    case 'int32':
    case 'int64':
      return (v: number) => String(v);
    case 'float64':
      return formatDouble;
    case 'bool':
      return (v: boolean) => (v ? 'true' : 'false');
    case 'date':
      return formatDate;
    case 'timestamp':
      return formatTimestamp;
  }
  return undefined;
}

/** A cast into a numeric type: `range` rejects values that do not fit; integer targets round first. */
function numericKernel(from: DataType, range: (x: number) => number | null, integer: boolean): Kernel | undefined {
  if (from === 'int32' || from === 'int64') return range;
  if (from === 'float64') return integer ? (x: number) => range(roundHalfEven(x)) : range;
  if (from === 'bool') return (v: boolean) => (v ? 1 : 0);
  if (from === 'string') return (s: string) => {
    const x = parseNumber(s);
    return x === null ? null : range(integer ? roundHalfAway(x) : x);
  };
  return undefined;
}

/** The row kernel converting a value of `from` into `to`, or undefined when there is no such cast. */
function castKernel(from: DataType, to: DataType): Kernel | undefined {
  if (typeof to === 'object') {
    if (typeof from !== 'object') return undefined;
    const inner = castKernel(from.list, to.list);
    return inner && ((v: unknown[]) => v.map((x) => (x === null ? null : inner(x))));
  }
  switch (to) {
    case 'string':
      return toStringKernel(from);
    case 'int32':
      return numericKernel(from, int32Range, true);
    case 'int64':
      return numericKernel(from, int64Range, true);
    case 'float64':
      return numericKernel(from, (x) => x, false);
    case 'bool':
      if (from === 'string') return parseBool;
      return from === 'int32' || from === 'int64' || from === 'float64' ? (v: number) => v !== 0 : undefined;
    case 'date':
      if (from === 'string') return parseDate;
      return from === 'timestamp' ? (ms: number) => Math.floor(ms / MS_PER_DAY) : undefined;
    case 'timestamp':
      if (from === 'string') return parseTimestamp;
      return from === 'date' ? (days: number) => days * MS_PER_DAY : undefined;
  }
  return undefined;
}

export function canCast(from: DataType, to: DataType): boolean {
  return from === 'null' || sameType(from, to) || castKernel(from, to) !== undefined;
}

/**
 * The cast from `from` to `to` as a bound function (identity when the types are equal).
 * @throws SluiceError when no such cast exists (e.g. date to int32).
 */
export function bindCast(from: DataType, to: DataType): BoundFn {
  if (sameType(from, to)) return { returnType: to, vector: (args) => args[0]! };
  if (from === 'null') return { returnType: to, vector: (_args, n) => nullVector(to, n) };
  const row = castKernel(from, to);
  if (!row) throw new DeterministicError(`cannot cast ${typeName(from)} to ${typeName(to)}`);
  return { returnType: to, row };
}

/** Casts a whole vector (string sources convert once per dictionary entry). */
export function castVector(v: ColumnVector, to: DataType): ColumnVector {
  return applyBound(bindCast(v.type, to), [v], v.length, [undefined]);
}

/** Casts one raw value (constant folding, IN lists). */
export function castRaw(value: Raw, from: DataType, to: DataType): Raw {
  if (value === null || sameType(from, to)) return value;
  const row = castKernel(from, to);
  if (!row) throw new DeterministicError(`cannot cast ${typeName(from)} to ${typeName(to)}`);
  return row(value);
}
