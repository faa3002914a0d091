import { civil, civilDays, daysOfMs, hourOfMs, minuteOfMs, MS_PER_DAY, msOfCivil, secondOfMs } from './calendar.js';

/**
 * Dates and timestamps as text: the SQL cast grammar (lenient, as DuckDB
 * casts), the strict ISO grammar text-file readers infer types with, and the
 * two printed forms (SQL's 'YYYY-MM-DD HH:MM:SS' and ISO 8601).
 */

const DATE_RE = /^\s*(-?\d{1,6})-(\d{1,2})-(\d{1,2})/;
const TIME_RE = /^(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?\s*$/i;
const ISO_DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;
// ISO 8601 date-time; the time part is optional so that a date is also a timestamp (midnight UTC).
const ISO_TS_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/** Milliseconds of a fraction of a second given as its digits ('5' → 500, '1234' → 123). */
export const fractionMs = (digits: string | undefined): number => (digits ? Number((digits + '00').slice(0, 3)) : 0);

/** Minutes east of UTC of '+HH', '+HHMM', '+HH:MM' (or the same with '-'). */
export function offsetMinutes(zone: string): number {
  const sign = zone[0] === '-' ? -1 : 1;
  const digits = zone.slice(1).replace(':', '');
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2) || 0));
}

/** ms of a local time minus its zone's offset; no zone or 'Z' is UTC. */
const toUtc = (ms: number, zone: string | undefined): number => (!zone || zone.toUpperCase() === 'Z' ? ms : ms - offsetMinutes(zone) * 60000);

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
  return toUtc(msOfCivil(days, h, mi, sec, fractionMs(t[4])), t[5]);
}

/** Days since the epoch of exactly `YYYY-MM-DD` (blanks trimmed), or null: how text files spell a date. */
export function parseIsoDate(s: string): number | null {
  const m = ISO_DATE_RE.exec(s.trim());
  return m ? civilDays(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/** Ms since the epoch of an ISO 8601 date-time (UTC without a zone; seconds up to 60), or null. */
export function parseIsoTimestamp(s: string): number | null {
  const m = ISO_TS_RE.exec(s.trim());
  if (!m) return null;
  const [h, mi, sec] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  const days = civilDays(Number(m[1]), Number(m[2]), Number(m[3]));
  if (days === null || h > 23 || mi > 59 || sec > 60) return null;
  return toUtc(msOfCivil(days, h, mi, sec, fractionMs(m[7])), m[8]);
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

/** ISO 8601 of ms since the epoch (`2024-01-02T03:04:05.000Z`); 'Invalid Date' when out of range. */
export function isoTimestamp(ms: number): string {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? 'Invalid Date' : d.toISOString();
}

/** `YYYY-MM-DD` of days since the epoch in ISO 8601's form (extended years as `+010000-01-01`). */
export function isoDate(days: number): string {
  const t = isoTimestamp(days * MS_PER_DAY);
  return t.endsWith('Z') ? t.slice(0, -14) : t;
}
