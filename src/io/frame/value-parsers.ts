import type { DataType } from '../../frame/types.js';

/** Returned by a text parser when the text is not a value of its type. */
export const BAD: unique symbol = Symbol('bad value');
export type Parsed = number | boolean | string | typeof BAD;

/** Parses one non-null text field into the JS value VectorBuilder expects for the type. */
export type TextParser = (s: string) => Parsed;

const DAY_MS = 86400000;
const INT_RE = /^[+-]?\d+$/;
const FLOAT_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO 8601 date-time; the time part is optional so that a date is also a timestamp (midnight UTC).
const TS_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

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
export function parseDate(s: string): Parsed {
  const m = DATE_RE.exec(s.trim());
  if (!m) return BAD;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return BAD;
  return ms / DAY_MS;
}

/** ISO 8601 date-time → ms since the epoch. Without a zone the time is taken as UTC (not local time). */
export function parseTimestamp(s: string): Parsed {
  const m = TS_RE.exec(s.trim());
  if (!m) return BAD;
  const [y, mo, d, h = '0', mi = '0', sec = '0', frac = ''] = m.slice(1, 8) as string[];
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(sec), Number((frac + '000').slice(0, 3)));
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(sec) > 60) return BAD;
  const zone = m[8];
  if (!zone || zone.toUpperCase() === 'Z') return ms;
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  const offsetMin = Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || '0');
  return ms - sign * offsetMin * 60000;
}

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
export function formatDate(days: number): string {
  return new Date(days * DAY_MS).toISOString().slice(0, 10);
}

/** Ms since the epoch → ISO 8601 in UTC (`2024-01-02T03:04:05.000Z`). */
export function formatTimestamp(ms: number): string {
  return new Date(ms).toISOString();
}
