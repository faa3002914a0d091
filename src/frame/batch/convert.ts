import type { DataType } from '../types.js';
import { MS_PER_DAY as DAY_MS } from '../dates/calendar.js';

/** Returned by convertValue when a value does not fit the type. */
export const INVALID: unique symbol = Symbol('invalid');


/**
 * Converts a JS value to what VectorBuilder accepts for `type` (null stays null),
 * or INVALID. Lossless conversions are allowed (numeric strings to numbers,
 * numbers and booleans to strings, ISO strings to dates (a number is days) and timestamps, 0/1 to
 * bool); anything else (e.g. 'abc' or 1.5 for int32) is INVALID. List elements
 * become the values getValue returns (Date for date and timestamp elements).
 */
export function convertValue(type: DataType, v: unknown): unknown {
  if (v === null || v === undefined) return null;
  if (typeof type === 'object') {
    if (!Array.isArray(v)) return INVALID;
    const out = new Array<unknown>(v.length);
    for (let i = 0; i < v.length; i++) {
      const e = convertValue(type.list, v[i]);
      if (e === INVALID) return INVALID;
      out[i] = asElement(type.list, e);
    }
    return out;
  }
  switch (type) {
    case 'int32': {
      const x = toNumber(v);
      return Number.isInteger(x) && x >= -2147483648 && x <= 2147483647 ? x : INVALID;
    }
    case 'int64': {
      const x = toNumber(v);
      return Number.isInteger(x) ? x : INVALID;
    }
    case 'float64': {
      const x = toNumber(v);
      return Number.isNaN(x) && !(typeof v === 'number' || (typeof v === 'string' && /^\s*nan\s*$/i.test(v))) ? INVALID : x;
    }
    case 'bool':
      if (typeof v === 'boolean') return v;
      if (v === 0 || v === 1) return v === 1;
      if (typeof v === 'string') {
        const s = v.trim().toLowerCase();
        if (s === 'true') return true;
        if (s === 'false') return false;
      }
      return INVALID;
    case 'string':
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean' || typeof v === 'bigint') return String(v);
      if (v instanceof Date && !Number.isNaN(v.getTime())) return v.toISOString();
      return INVALID;
    case 'date': {
      if (typeof v === 'number') return Number.isInteger(v) ? v : INVALID; // days, as the builder takes them
      const ms = toMillis(v);
      return Number.isFinite(ms) ? Math.floor(ms / DAY_MS) : INVALID;
    }
    case 'timestamp': {
      const ms = toMillis(v);
      return Number.isFinite(ms) ? ms : INVALID;
    }
    case 'null':
      return INVALID;
  }
}

/** A list element in getValue's representation (the builder's days/ms become Dates). */
function asElement(type: DataType, v: unknown): unknown {
  if (v === null) return null;
  if (type === 'date') return new Date((v as number) * DAY_MS);
  if (type === 'timestamp') return new Date(v as number);
  return v;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'string' && v.trim() !== '') return Number(v);
  return NaN;
}

/** Milliseconds since the epoch of a Date, a number of ms or an ISO string; NaN otherwise. */
function toMillis(v: unknown): number {
  if (v instanceof Date) return v.getTime();
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return Date.parse(v);
  return NaN;
}
