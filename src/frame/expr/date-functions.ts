import type { DataType } from '../types.js';
import { DeterministicError } from '../../util/errors.js';
import { typeName } from '../types.js';
import { bindCast } from './cast.js';
import { addMonths, dayOfDays, dayOfWeekOfDays, dayOfYearOfDays, daysOfMs, hourOfMs, isoWeekOfDays, lastDayOfDays, minuteOfMs, monthOfDays, MS_PER_DAY, quarterOfDays, secondOfMs, weekdayOfDays, yearOfDays } from '../dates/calendar.js';
import { sparkStringToDate, sparkStringToTimestamp } from '../dates/spark-date-text.js';
import { expectArg, type ScalarFunction } from './function-def.js';
import type { Raw } from './vector-utils.js';

/**
 * Date and time functions with Spark's semantics, all in UTC. Dates are days
 * since the epoch and timestamps ms since the epoch, so every part is plain
 * integer arithmetic in a typed-array loop. As in Spark, a string argument is
 * cast implicitly (to a date for date functions, to a timestamp for hour,
 * minute and second) and text that is not a date gives null; a timestamp
 * given to a date function counts by its day. Parts are int64.
 */

type Row = (v: any) => number | null;

/** Days of an argument of type `t` (date, timestamp or string, as Spark casts it to a date). */
function toDays(t: DataType | undefined): Row | undefined {
  if (t === 'timestamp') return daysOfMs;
  if (t === 'string') return sparkStringToDate;
  return undefined; // a date (or null): already days
}

/** Ms of an argument of type `t` (timestamp, date or string, as Spark casts it to a timestamp). */
function toMs(t: DataType | undefined): Row | undefined {
  if (t === 'date') return (d: number) => d * MS_PER_DAY;
  if (t === 'string') return (s: string) => sparkStringToTimestamp(s);
  return undefined;
}

/** f after a conversion that may give null (an unreadable string). */
const after = (conv: Row | undefined, f: (x: number) => number): Row =>
  conv ? (v) => {
    const x = conv(v);
    return x === null ? null : f(x);
  } : f;

const stringArg = (types: DataType[]): boolean => types.some((t) => t === 'string');

/** A date or timestamp argument, or a string Spark would cast. */
function expectTemporal(fn: ScalarFunction, types: DataType[], i: number): void {
  if (types[i] !== 'string') expectArg(fn, types, i, 'temporal');
}

/** A part of a date (timestamps count by their day), or with returnType 'date' a date derived from it. */
function datePart(name: string, ofDays: (d: number) => number, returnType: DataType = 'int64'): ScalarFunction {
  const def: ScalarFunction = {
    name,
    signature: `${name}(date)`,
    minArgs: 1,
    maxArgs: 1,
    introducesNulls: stringArg,
    bind(types) {
      expectTemporal(def, types, 0);
      return { returnType, row: after(toDays(types[0]), ofDays) };
    },
  };
  return def;
}

function timePart(name: string, ofMs: (ms: number) => number): ScalarFunction {
  const def: ScalarFunction = {
    name,
    signature: `${name}(timestamp)`,
    minArgs: 1,
    maxArgs: 1,
    introducesNulls: stringArg,
    bind(types) {
      expectTemporal(def, types, 0);
      return { returnType: 'int64', row: after(toMs(types[0]), ofMs) };
    },
  };
  return def;
}

/** A date moved by an integer (days or months): Spark's date_add, date_sub, add_months; the result is a date. */
function shift(name: string, param: string, move: (days: number, n: number) => number): ScalarFunction {
  const def: ScalarFunction = {
    name,
    signature: `${name}(date, ${param})`,
    minArgs: 2,
    maxArgs: 2,
    introducesNulls: stringArg,
    bind(types) {
      expectTemporal(def, types, 0);
      expectArg(def, types, 1, 'integer');
      const conv = toDays(types[0]);
      const row = conv
        ? (v: Raw, n: number) => {
            const d = conv(v);
            return d === null ? null : move(d, n);
          }
        : move;
      return { returnType: 'date', row };
    },
  };
  return def;
}

/** Whole days from `start` to `end` (Spark's datediff(end, start)); timestamps count calendar days. */
const dateDiff: ScalarFunction = {
  name: 'datediff',
  signature: 'datediff(end, start)',
  minArgs: 2,
  maxArgs: 2,
  introducesNulls: stringArg,
  bind(types) {
    expectTemporal(this, types, 0);
    expectTemporal(this, types, 1);
    const [a, b] = [toDays(types[0]), toDays(types[1])];
    if (!a && !b) return { returnType: 'int64', row: (end: number, start: number) => end - start };
    const same: Row = (d: number) => d;
    const [fa, fb] = [a ?? same, b ?? same];
    return {
      returnType: 'int64',
      row: (end: Raw, start: Raw) => {
        const [e, s] = [fa(end), fb(start)];
        return e === null || s === null ? null : e - s;
      },
    };
  },
};

/** to_date / to_timestamp: Spark's cast (strings in Spark's forms; numbers are seconds since the epoch for to_timestamp). */
function convert(name: string, to: 'date' | 'timestamp'): ScalarFunction {
  return {
    name,
    signature: `${name}(value)`,
    minArgs: 1,
    maxArgs: 1,
    introducesNulls: true,
    bind(types) {
      const from = types[0]!;
      if (from === 'string') return { returnType: to, row: to === 'date' ? sparkStringToDate : (s: string) => sparkStringToTimestamp(s) };
      if (to === 'timestamp' && (from === 'int32' || from === 'int64' || from === 'float64')) {
        return { returnType: to, row: (s: number) => s * 1000 };
      }
      try {
        return bindCast(from, to);
      } catch {
        throw new DeterministicError(`${name}: cannot convert ${typeName(from)} to ${to}`);
      }
    },
  };
}

export const DATE_FUNCTIONS: readonly ScalarFunction[] = [
  datePart('year', yearOfDays),
  datePart('quarter', quarterOfDays),
  datePart('month', monthOfDays),
  datePart('day', dayOfDays),
  datePart('dayofweek', dayOfWeekOfDays),
  datePart('weekday', weekdayOfDays),
  datePart('dayofyear', dayOfYearOfDays),
  datePart('weekofyear', isoWeekOfDays),
  timePart('hour', hourOfMs),
  timePart('minute', minuteOfMs),
  timePart('second', secondOfMs),
  shift('date_add', 'days', (d, n) => d + n),
  shift('date_sub', 'days', (d, n) => d - n),
  shift('add_months', 'months', addMonths),
  datePart('last_day', lastDayOfDays, 'date'),
  dateDiff,
  convert('to_date', 'date'),
  convert('to_timestamp', 'timestamp'),
];
