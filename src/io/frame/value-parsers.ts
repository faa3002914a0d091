import type { DataType } from '../../frame/types.js';
import { isoDate, isoTimestamp, parseIsoDate, parseIsoTimestamp } from '../../frame/dates/date-text.js';

/** Returned by a text parser when the text is not a value of its type. */
export const BAD: unique symbol = Symbol('bad value');
export type Parsed = number | boolean | string | typeof BAD;

/** Parses one non-null text field into the JS value VectorBuilder expects for the type. */
export type TextParser = (s: string) => Parsed;

const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

export function parseInt32(s: string): Parsed {
  const t = s.trim();
  if (!INT_RE.test(t)) return BAD;
  const v = Number(t);
  return v >= -2147483648 && v <= 2147483647 ? v : BAD;
}

/** int64 values are held as float64, exact up to 2^53 (see frame/types.ts). */
export function parseInt64(s: string): Parsed {
  const t = s.trim();
  if (!INT_RE.test(t)) return BAD;
  const v = Number(t);
  return Number.isSafeInteger(v) ? v : BAD;
}

export function parseFloat64(s: string): Parsed {
  const t = s.trim();
  if (FLOAT_RE.test(t)) return Number(t);
  if (t === 'NaN') return NaN;
  if (t === 'Infinity' || t === '+Infinity' || t === 'inf') return Infinity;
  if (t === '-Infinity' || t === '-inf') return -Infinity;
  return BAD;
}

export function parseBool(s: string): Parsed {
  const t = s.trim().toLowerCase();
  return t === 'true' ? true : t === 'false' ? false : BAD;
}

/** `YYYY-MM-DD` → days since 1970-01-01 (rejects impossible dates such as 2023-02-30). */
export const parseDate = (s: string): Parsed => parseIsoDate(s) ?? BAD;

/** ISO 8601 date-time → ms since the epoch. Without a zone the time is taken as UTC (not local time). */
export const parseTimestamp = (s: string): Parsed => parseIsoTimestamp(s) ?? BAD;

const identity: TextParser = (s) => s;

/** The text parser of a column type; list and null columns cannot be read from text. */
export function textParser(t: DataType): TextParser | null {
  switch (t) {
    case 'int32':
      return parseInt32;
    case 'int64':
      return parseInt64;
    case 'float64':
      return parseFloat64;
    case 'bool':
      return parseBool;
    case 'date':
      return parseDate;
    case 'timestamp':
      return parseTimestamp;
    case 'string':
      return identity;
    default:
      return null;
  }
}

/** Days since the epoch → `YYYY-MM-DD`. */
export const formatDate = isoDate;

/** Ms since the epoch → ISO 8601 in UTC (`2024-01-02T03:04:05.000Z`). */
export const formatTimestamp = isoTimestamp;
