import type { DataType } from '../types.js';
import { SluiceError } from '../../util/errors.js';
import { typeName } from '../types.js';
import { bindCast } from './cast.js';
import { dayOfDays, dayOfWeekOfDays, daysOfMs, hourOfMs, minuteOfMs, monthOfDays, MS_PER_DAY, secondOfMs, yearOfDays } from '../dates/calendar.js';
import { expectArg, type ScalarFunction } from './function-def.js';

/**
 * Date and time functions, all in UTC. Dates are days since the epoch and
 * timestamps ms since the epoch, so every part is plain integer arithmetic in
 * a typed-array loop. Parts are int64, as in DuckDB.
 */

/** A part of a date or timestamp: `ofDays` for dates, `ofMs` for timestamps. */
function part(name: string, ofDays: (d: number) => number, ofMs: (ms: number) => number): ScalarFunction {
  const def: ScalarFunction = {
    name,
    signature: `${name}(date or timestamp)`,
    minArgs: 1,
    maxArgs: 1,
    bind(types) {
      expectArg(def, types, 0, 'temporal');
      return { returnType: 'int64', row: types[0] === 'timestamp' ? ofMs : ofDays };
    },
  };
  return def;
}

const onDay = (f: (days: number) => number) => (ms: number) => f(daysOfMs(ms));
const zero = (): number => 0;

const dateAdd: ScalarFunction = {
  name: 'date_add',
  signature: 'date_add(date, days)',
  minArgs: 2,
  maxArgs: 2,
  bind(types) {
    expectArg(this, types, 0, 'temporal');
    expectArg(this, types, 1, 'integer');
    if (types[0] === 'timestamp') return { returnType: 'timestamp', row: (ms: number, n: number) => ms + n * MS_PER_DAY };
    return { returnType: 'date', row: (d: number, n: number) => d + n };
  },
};

/** Whole days from `start` to `end` (Spark's datediff(end, start)); timestamps count calendar days. */
const dateDiff: ScalarFunction = {
  name: 'datediff',
  signature: 'datediff(end, start)',
  minArgs: 2,
  maxArgs: 2,
  bind(types) {
    expectArg(this, types, 0, 'temporal');
    expectArg(this, types, 1, 'temporal');
    return { returnType: 'int64', argTypes: ['date', 'date'], row: (end: number, start: number) => end - start };
  },
};

/** to_date / to_timestamp: a cast, plus seconds since the epoch for to_timestamp(number) as in DuckDB. */
function convert(name: string, to: DataType): ScalarFunction {
  return {
    name,
    signature: `${name}(value)`,
    minArgs: 1,
    maxArgs: 1,
    introducesNulls: true,
    bind(types) {
      const from = types[0]!;
      if (to === 'timestamp' && (from === 'int32' || from === 'int64' || from === 'float64')) {
        return { returnType: to, row: (s: number) => s * 1000 };
      }
      try {
        return bindCast(from, to);
      } catch {
        throw new SluiceError(`${name}: cannot convert ${typeName(from)} to ${to}`);
      }
    },
  };
}

export const DATE_FUNCTIONS: readonly ScalarFunction[] = [
  part('year', yearOfDays, onDay(yearOfDays)),
  part('month', monthOfDays, onDay(monthOfDays)),
  part('day', dayOfDays, onDay(dayOfDays)),
  part('dayofweek', dayOfWeekOfDays, onDay(dayOfWeekOfDays)),
  part('hour', zero, hourOfMs),
  part('minute', zero, minuteOfMs),
  part('second', zero, secondOfMs),
  dateAdd,
  dateDiff,
  convert('to_date', 'date'),
  convert('to_timestamp', 'timestamp'),
];
