/**
 * Calendar arithmetic on the in-memory date (days since 1970-01-01) and
 * timestamp (ms since the epoch, UTC) representations, without Date objects
 * in the hot paths. The one place that knows how days map to calendar dates:
 * expressions, casts, text readers and printers all go through it.
 */

export const MS_PER_DAY = 86400000;

// Scratch for civil(): year, month, day of the last call (avoids allocating per row).
const parts = new Int32Array(3);

/** Splits days since the epoch into year, month (1-12), day (1-31) in `parts` (H. Hinnant's civil_from_days). */
export function civil(days: number): Int32Array {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  parts[0] = yoe + era * 400 + (m <= 2 ? 1 : 0);
  parts[1] = m;
  parts[2] = d;
  return parts;
}

export const yearOfDays = (days: number): number => civil(days)[0]!;
export const monthOfDays = (days: number): number => civil(days)[1]!;
export const dayOfDays = (days: number): number => civil(days)[2]!;
/** Day of week as Spark numbers it: 1 = Sunday ... 7 = Saturday (1970-01-01 was a Thursday). */
export const dayOfWeekOfDays = (days: number): number => ((((days + 4) % 7) + 7) % 7) + 1;
/** Spark's weekday: 0 = Monday ... 6 = Sunday. */
export const weekdayOfDays = (days: number): number => (((days + 3) % 7) + 7) % 7;
export const quarterOfDays = (days: number): number => Math.floor((civil(days)[1]! + 2) / 3);
/** Day of the year, 1-366. */
export function dayOfYearOfDays(days: number): number {
  const y = civil(days)[0]!;
  return days - civilDays(y, 1, 1)! + 1;
}
/** ISO 8601 week number (weeks start on Monday; week 1 holds the year's first Thursday), as Spark's weekofyear. */
export function isoWeekOfDays(days: number): number {
  const thursday = days - weekdayOfDays(days) + 3; // the Thursday of this ISO week decides its year
  const y = civil(thursday)[0]!;
  return Math.floor((thursday - civilDays(y, 1, 1)!) / 7) + 1;
}
/** The date `n` months later, its day clamped to the month's length (Spark's add_months: 2016-01-31 + 1 = 2016-02-29). */
export function addMonths(days: number, n: number): number {
  const p = civil(days);
  const total = p[0]! * 12 + (p[1]! - 1) + n;
  const y = Math.floor(total / 12);
  const m = total - y * 12 + 1;
  return civilDays(y, m, Math.min(p[2]!, daysInMonth(y, m)))!;
}
/** The last day of the date's month. */
export function lastDayOfDays(days: number): number {
  const p = civil(days);
  return civilDays(p[0]!, p[1]!, daysInMonth(p[0]!, p[1]!))!;
}

export const daysOfMs = (ms: number): number => Math.floor(ms / MS_PER_DAY);
const msOfDay = (ms: number): number => ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
export const hourOfMs = (ms: number): number => Math.floor(msOfDay(ms) / 3600000);
export const minuteOfMs = (ms: number): number => Math.floor(msOfDay(ms) / 60000) % 60;
export const secondOfMs = (ms: number): number => Math.floor(msOfDay(ms) / 1000) % 60;

/** Days since the epoch of a calendar date, or null when the day does not exist (2023-02-30). */
export function civilDays(y: number, m: number, d: number): number | null {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return null;
  // H. Hinnant's days_from_civil: years start in March so leap days come last.
  const yy = m <= 2 ? y - 1 : y;
  const era = Math.floor(yy / 400);
  const yoe = yy - era * 400;
  const doy = Math.floor((153 * (m > 2 ? m - 3 : m + 9) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export function daysInMonth(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!;
}

/** Ms since the epoch of a day plus a wall-clock time (seconds may be 60: a leap second rolls into the next minute). */
export const msOfCivil = (days: number, h: number, mi: number, s: number, ms: number): number =>
  days * MS_PER_DAY + ((h * 60 + mi) * 60 + s) * 1000 + ms;
