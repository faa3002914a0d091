/**
 * Calendar arithmetic on the in-memory date (days since 1970-01-01) and
 * timestamp (ms since the epoch, UTC) representations, without Date objects
 * in the hot paths.
 */

export const MS_PER_DAY = 86400000;

// Scratch for civil(): year, month, day of the last call (avoids allocating per row).
const parts = new Int32Array(3);

/** Splits days since the epoch into year, month (1-12), day (1-31) in `parts` (H. Hinnant's civil_from_days). */
function civil(days: number): Int32Array {
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
/** Day of week as DuckDB numbers it: 0 = Sunday ... 6 = Saturday (1970-01-01 was a Thursday). */
export const dayOfWeekOfDays = (days: number): number => (((days + 4) % 7) + 7) % 7;

export const daysOfMs = (ms: number): number => Math.floor(ms / MS_PER_DAY);
const msOfDay = (ms: number): number => ms - Math.floor(ms / MS_PER_DAY) * MS_PER_DAY;
export const hourOfMs = (ms: number): number => Math.floor(msOfDay(ms) / 3600000);
export const minuteOfMs = (ms: number): number => Math.floor(msOfDay(ms) / 60000) % 60;
export const secondOfMs = (ms: number): number => Math.floor(msOfDay(ms) / 1000) % 60;

const DATE_RE = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})/;
const TIME_RE = /^(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;

/** Days since the epoch of 'YYYY-MM-DD' (a trailing time is ignored, as DuckDB does), or null when invalid. */
export function parseDate(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const rest = s.slice(m[0].length);
  if (rest.trim() !== '' && !TIME_RE.test(rest)) return null;
  return civilDays(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** Ms since the epoch (UTC) of 'YYYY-MM-DD[ T]HH:MM[:SS[.fff]][Z|±HH[:MM]]', or null when invalid. */
export function parseTimestamp(s: string): number | null {
  const m = DATE_RE.exec(s);
  if (!m) return null;
  const days = civilDays(Number(m[1]), Number(m[2]), Number(m[3]));
  const t = TIME_RE.exec(s.slice(m[0].length));
  if (days === null || !t) return null;
  const [h, mi, sec] = [Number(t[1] ?? 0), Number(t[2] ?? 0), Number(t[3] ?? 0)];
  if (h > 23 || mi > 59 || sec > 59) return null;
  const frac = t[4] ? Math.floor(Number(`0.${t[4]}`) * 1000) : 0;
  let ms = days * MS_PER_DAY + ((h * 60 + mi) * 60 + sec) * 1000 + frac;
  const zone = t[5];
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0)) * 60000;
  }
  return ms;
}

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

function daysInMonth(y: number, m: number): number {
  const leap = (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;
  return m === 2 && leap ? 29 : MONTH_DAYS[m - 1]!;
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

/** 'YYYY-MM-DD' of days since the epoch. */
export function formatDate(days: number): string {
  const p = civil(days);
  return `${pad(p[0]!, 4)}-${pad(p[1]!)}-${pad(p[2]!)}`;
}

/** 'YYYY-MM-DD HH:MM:SS[.fff]' of ms since the epoch (UTC), as DuckDB prints timestamps. */
export function formatTimestamp(ms: number): string {
  const days = daysOfMs(ms);
  const inDay = ms - days * MS_PER_DAY;
  const frac = inDay % 1000;
  const time = `${pad(hourOfMs(ms))}:${pad(minuteOfMs(ms))}:${pad(secondOfMs(ms))}`;
  return `${formatDate(days)} ${time}${frac ? `.${pad(Math.round(frac), 3)}` : ''}`;
}
