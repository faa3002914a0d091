import { test } from 'node:test';
import assert from 'node:assert/strict';
import { col, dateAdd, dateDiff, day, dayOfWeek, hour, minute, month, second, toDate, toTimestamp, year } from '../../../src/frame/expr/functions.js';
import { parseDate, parseTimestamp, formatTimestamp } from '../../../src/frame/expr/datetime.js';
import { batchOf, days, evalExpr, evalVector } from './helpers.js';

const ts = Date.UTC(2024, 1, 29, 13, 45, 30, 250);
const b = batchOf({
  d: ['date', [days('2024-02-29'), days('1969-12-31'), null, days('2024-01-07')]],
  t: ['timestamp', [ts, -1, null, Date.UTC(2000, 0, 1)]],
  s: ['string', ['2024-01-02', 'bad', null, '2023-02-29']],
});

test('date parts of dates (UTC, int64)', () => {
  assert.equal(evalVector(year('d'), b).type, 'int64');
  assert.deepEqual(evalExpr(year('d'), b), [2024, 1969, null, 2024]);
  assert.deepEqual(evalExpr(month('d'), b), [2, 12, null, 1]);
  assert.deepEqual(evalExpr(day('d'), b), [29, 31, null, 7]);
  // Spark numbering: Sunday = 1; 2024-01-07 was a Sunday, 2024-02-29 a Thursday.
  assert.deepEqual(evalExpr(dayOfWeek('d'), b), [5, 4, null, 1]);
  assert.deepEqual(evalExpr(hour('d'), b), [0, 0, null, 0]);
});

test('date and time parts of timestamps, before and after the epoch', () => {
  assert.deepEqual(evalExpr(year('t'), b), [2024, 1969, null, 2000]);
  assert.deepEqual(evalExpr(day('t'), b), [29, 31, null, 1]);
  assert.deepEqual(evalExpr(hour('t'), b), [13, 23, null, 0]);
  assert.deepEqual(evalExpr(minute('t'), b), [45, 59, null, 0]);
  assert.deepEqual(evalExpr(second('t'), b), [30, 59, null, 0]);
});

test('dateAdd and dateDiff', () => {
  assert.deepEqual(evalExpr(dateAdd('d', 1), b), [new Date('2024-03-01'), new Date('1970-01-01'), null, new Date('2024-01-08')]);
  assert.deepEqual(evalExpr(dateDiff('d', col('d')), b), [0, 0, null, 0]);
  assert.deepEqual(evalExpr(dateDiff(toDate('s'), 'd'), b), [days('2024-01-02') - days('2024-02-29'), null, null, null]);
  assert.deepEqual(evalExpr(dateAdd('t', 2), b)[3], new Date(Date.UTC(2000, 0, 3)));
});

test('toDate and toTimestamp parse strings; invalid ones are null', () => {
  assert.deepEqual(evalExpr(toDate('s'), b), [new Date('2024-01-02'), null, null, null]);
  assert.deepEqual(evalExpr(toTimestamp('s'), b), [new Date('2024-01-02T00:00:00Z'), null, null, null]);
  assert.equal(parseTimestamp('2024-01-02 03:04:05.5+01:00'), Date.UTC(2024, 0, 2, 2, 4, 5, 500));
  assert.equal(parseDate('2024-13-01'), null);
  assert.equal(formatTimestamp(Date.UTC(2024, 0, 2, 3, 4, 5)), '2024-01-02 03:04:05');
  const secs = batchOf({ n: ['float64', [1.5]] });
  assert.deepEqual(evalExpr(toTimestamp('n'), secs), [new Date(1500)]);
});

test('date functions cast strings as Spark does (bad text is null) and reject numbers with a clear message', () => {
  assert.deepEqual(evalExpr(year('s'), b), [2024, null, null, null]);
  const n = batchOf({ n: ['int32', [1]] });
  assert.throws(() => evalExpr(year('n'), n), /year\(date\): argument 1 must be temporal, got int32/);
});
