import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as F from '../../../src/frame/expr/functions.js';
import type { Expr } from '../../../src/frame/expr/expr-builder.js';
import { sparkStringToDate, sparkStringToTimestamp } from '../../../src/frame/dates/spark-date-text.js';
import { DuckOracle } from '../oracle/duckdb-oracle.js';
import { Rng } from '../oracle/random.js';
import { batchOf, days, evalExpr } from './helpers.js';

/**
 * Date and time functions as Spark defines them: string arguments are cast
 * implicitly (bad text is null), dayofweek counts Sunday as 1. Checked against
 * the examples of Spark's function reference and against DuckDB on generated
 * strings (names mapped where DuckDB differs: dayofweek + 1, isodow - 1).
 */

const { lit } = F;
const one = batchOf({ k: ['int32', [0]] });
const value = (e: Expr): unknown => evalExpr(e, one)[0];
const date = (s: string): Date => new Date(`${s}T00:00:00Z`);

test("Spark's documented examples, on string arguments", () => {
  const d = lit('2015-04-08');
  assert.equal(value(F.year(d)), 2015);
  assert.equal(value(F.quarter(d)), 2);
  assert.equal(value(F.month(d)), 4);
  assert.equal(value(F.dayOfMonth(d)), 8);
  assert.equal(value(F.dayOfWeek(d)), 4); // a Wednesday
  assert.equal(value(F.weekday(d)), 2);
  assert.equal(value(F.dayOfYear(d)), 98);
  assert.equal(value(F.weekOfYear(d)), 15);
  const ts = lit('2015-04-08 13:08:15');
  assert.deepEqual([value(F.hour(ts)), value(F.minute(ts)), value(F.second(ts))], [13, 8, 15]);
  assert.deepEqual(value(F.dateAdd(d, 1)), date('2015-04-09'));
  assert.deepEqual(value(F.dateSub(d, 1)), date('2015-04-07'));
  assert.deepEqual(value(F.addMonths(d, 1)), date('2015-05-08'));
  assert.deepEqual(value(F.addMonths(d, -1)), date('2015-03-08'));
  assert.equal(value(F.dateDiff(d, lit('2015-05-10'))), -32);
  assert.deepEqual(value(F.lastDay(lit('1997-02-10'))), date('1997-02-28'));
  assert.deepEqual(value(F.toDate(lit('1997-02-28 10:30:00'))), date('1997-02-28'));
  assert.deepEqual(value(F.toTimestamp(lit('1997-02-28 10:30:00'))), new Date('1997-02-28T10:30:00Z'));
  // A timestamp given to a date function counts by its day; date_add of one is a date.
  assert.deepEqual(value(F.dateAdd(lit('2015-04-08 23:59:59'), 1)), date('2015-04-09'));
});

test("Spark's string-to-date forms: yyyy, yyyy-[m]m, yyyy-[m]m-[d]d, then ' ' or 'T' and anything", () => {
  const cases: [string, string | null][] = [
    ['2015', '2015-01-01'], ['2015-4', '2015-04-01'], ['2015-4-8', '2015-04-08'], [' 2015-04-08 ', '2015-04-08'],
    ['2015-04-08T99:99', '2015-04-08'], ['2015-04-08 whatever', '2015-04-08'], ['+2015-04-08', '2015-04-08'],
    ['2015-04 08', null], ['2015-04-08x', null], ['15-04-08', null], ['2015-13-01', null], ['2015-02-29', null],
    ['', null], ['abc', null], ['2015-04-08-01', null],
  ];
  for (const [s, want] of cases) assert.equal(sparkStringToDate(s), want === null ? null : days(want), JSON.stringify(s));
});

test("Spark's string-to-timestamp forms: optional time, fraction and zone; a time alone is today", () => {
  const at = (iso: string): number => Date.parse(iso);
  const cases: [string, number | null][] = [
    ['2015-04-08', at('2015-04-08T00:00:00Z')],
    ['2015-04-08 13', at('2015-04-08T13:00:00Z')],
    ['2015-04-08T13:08', at('2015-04-08T13:08:00Z')],
    ['2015-04-08 13:08:15.123456789', at('2015-04-08T13:08:15.123Z')],
    ['2015-04-08 13:08:15Z', at('2015-04-08T13:08:15Z')],
    ['2015-04-08 13:08:15-08:00', at('2015-04-08T21:08:15Z')],
    ['2015-04-08 13:08:15+0530', at('2015-04-08T07:38:15Z')],
    ['2015-04-08 13:08:15 UTC+01:00', at('2015-04-08T12:08:15Z')],
    ['2015-01-08 13:08:15 America/Los_Angeles', at('2015-01-08T21:08:15Z')],
    ['2015-07-08 13:08:15 America/Los_Angeles', at('2015-07-08T20:08:15Z')],
    ['2015-04-08 24:00:00', null], ['2015-04-08 13:60', null], ['2015-04-08 13:08:15 Mars/Base', null],
    ['2015-04-08T', null], ['2015-04 13:08', null], ['13:08:15x', null],
  ];
  for (const [s, want] of cases) assert.equal(sparkStringToTimestamp(s), want, JSON.stringify(s));
  const noon = Date.parse('2020-06-15T12:00:00Z');
  assert.equal(sparkStringToTimestamp('13:08:15', () => noon), Date.parse('2020-06-15T13:08:15Z'));
  assert.equal(sparkStringToTimestamp('T13:08', () => noon), Date.parse('2020-06-15T13:08:00Z'));
  // Today in the string's zone: at 23:00 UTC it is already the 16th in UTC+02:00.
  assert.equal(sparkStringToTimestamp('01:00:00+02:00', () => noon + 11 * 3600000), Date.parse('2020-06-15T23:00:00Z'));
});

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** Strings both engines read alike, and text neither reads as a date. */
function generatedStrings(n: number, seed: number): (string | null)[] {
  const rng = new Rng(seed);
  const out: (string | null)[] = [];
  for (let i = 0; i < n; i++) {
    const y = 1000 + rng.below(9000);
    const m = 1 + rng.below(12);
    const d = 1 + rng.below(31); // may not exist: both give null
    const day = `${pad(y, 4)}-${pad(m)}-${pad(d)}`;
    const time = `${pad(rng.below(24))}:${pad(rng.below(60))}:${pad(rng.below(60))}`;
    switch (rng.below(8)) {
      case 0: out.push(null); break;
      case 1: out.push(`${day} ${time}`); break;
      case 2: out.push(`${day}T${time}.${pad(rng.below(1000), 3)}`); break;
      case 3: out.push(['bad', '2015-13-01', '2015-02-29 10:00:00', '2015-04-08 25:00:00', 'x2015-04-08'][rng.below(5)]!); break;
      default: out.push(day);
    }
  }
  return out;
}

test('date and time parts of generated strings agree with DuckDB (TRY_CAST, renamed where DuckDB numbers differently)', async () => {
  const s = generatedStrings(3000, 42);
  const n = s.map((_, i) => ((i * 7919) % 61) - 30);
  const db = await DuckOracle.open({ threads: 1 });
  await db.load('t', { k: s.map((_, i) => i), s, n }, { k: 'int32', s: 'string', n: 'int32' });
  const batch = batchOf({ s: ['string', s], n: ['int32', n] });
  const d = 'TRY_CAST(s AS DATE)';
  const ts = 'TRY_CAST(s AS TIMESTAMP)';
  const cases: [string, Expr][] = [
    [`year(${d})`, F.year('s')],
    [`quarter(${d})`, F.quarter('s')],
    [`month(${d})`, F.month('s')],
    [`day(${d})`, F.dayOfMonth('s')],
    [`dayofweek(${d}) + 1`, F.dayOfWeek('s')],
    [`isodow(${d}) - 1`, F.weekday('s')],
    [`dayofyear(${d})`, F.dayOfYear('s')],
    [`weekofyear(${d})`, F.weekOfYear('s')],
    [`hour(${ts})`, F.hour('s')],
    [`minute(${ts})`, F.minute('s')],
    [`second(${ts})`, F.second('s')],
    [`${d} + n`, F.dateAdd('s', 'n')],
    [`${d} - n`, F.dateSub('s', 'n')],
    [`CAST(${d} + to_months(n) AS DATE)`, F.addMonths('s', 'n')],
    [`last_day(${d})`, F.lastDay('s')],
    [`${d} - DATE '2000-02-29'`, F.dateDiff('s', lit('2000-02-29'))],
    [d, F.toDate('s')],
    [ts, F.toTimestamp('s')],
  ];
  const mismatches: string[] = [];
  for (const [sql, expr] of cases) {
    const want = (await db.query(`SELECT ${sql} AS r FROM t ORDER BY k`)).map((r) => r.r);
    const got = evalExpr(expr, batch);
    const bad = got.findIndex((g, i) => !sameValue(g, want[i]));
    if (bad >= 0) mismatches.push(`${sql} at ${JSON.stringify(s[bad])}: sluice ${String(got[bad])}, duckdb ${String(want[bad])}`);
  }
  db.close();
  assert.deepEqual(mismatches, []);
  assert.ok(s.some((x) => x !== null && evalExpr(F.year(lit(x)), one)[0] === null), 'the generated strings include unreadable ones');
});

function sameValue(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b;
}
