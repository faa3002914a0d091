import { civilDays, MS_PER_DAY, msOfCivil } from './calendar.js';
import { fractionMs, offsetMinutes } from './date-text.js';

/**
 * Spark's implicit cast of a string to a date or a timestamp (non-ANSI mode:
 * text it cannot read is null). Date and time functions apply it to string
 * arguments, as Spark does (`year('2015-04-08')` is 2015). The session time
 * zone is UTC.
 *
 * Dates: `yyyy`, `yyyy-[m]m`, `yyyy-[m]m-[d]d`, the last followed by ' ' or
 * 'T' and anything (ignored). Timestamps: the same dates, optionally followed
 * by ' ' or 'T' and `[h]h[:[m]m[:[s]s[.fraction]]]`, a zone after the seconds
 * (`Z`, `±h[h][[:]mm]`, `UTC`/`GMT`/`UT` with or without an offset, or a region
 * such as `Europe/Paris`); or a time alone (`[T][h]h:[m]m...`, today's date).
 * Years have 4 to 7 digits and may carry a sign; text is trimmed first.
 */

const DATE_RE = /^([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T].*)?)?)?$/s;
const TIME = String.raw`(\d{1,2})(?::(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?(.*))?)?`;
const TS_RE = new RegExp(String.raw`^([+-]?\d{4,7})(?:-(\d{1,2})(?:-(\d{1,2})(?:[ T]${TIME})?)?)?$`, 's');
// A time alone: 'T' then an hour, or an hour and minutes.
const TIME_RE = new RegExp(String.raw`^(?:T${TIME}|(\d{1,2}):(\d{1,2})(?::(\d{1,2})(?:\.(\d*))?(.*))?)$`, 's');
const OFFSET_RE = /^[+-](?:\d{1,2}|\d{2}:?\d{2})$/;
const UTC_RE = /^(?:UTC|GMT|UT)(?=$|[+-])/i;

/** Trims blanks and control characters at both ends, as Spark does before casting. */
function trimAll(s: string): string {
  let a = 0;
  let b = s.length;
  while (a < b && s.charCodeAt(a) <= 32) a++;
  while (b > a && s.charCodeAt(b - 1) <= 32) b--;
  return a === 0 && b === s.length ? s : s.slice(a, b);
}

/** Days since the epoch of a string as Spark casts it to a date, or null. */
export function sparkStringToDate(s: string): number | null {
  const m = DATE_RE.exec(trimAll(s));
  return m ? civilDays(Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1)) : null;
}

/** Ms since the epoch (UTC) of a string as Spark casts it to a timestamp, or null. */
export function sparkStringToTimestamp(s: string, now: () => number = Date.now): number | null {
  const t = trimAll(s);
  const m = TS_RE.exec(t);
  if (m) {
    const days = civilDays(Number(m[1]), Number(m[2] ?? 1), Number(m[3] ?? 1));
    return days === null ? null : withTime(days, m.slice(4, 9));
  }
  const tm = TIME_RE.exec(t);
  if (!tm) return null;
  const time = tm[1] !== undefined ? tm.slice(1, 6) : tm.slice(6, 11);
  // Spark takes today's date (in the string's zone) for a time alone.
  const zoned = withTime(0, time);
  if (zoned === null) return null;
  const offsetMs = -(zoned - withTime(0, [...time.slice(0, 4), ''])!);
  return zoned + Math.floor((now() + offsetMs) / MS_PER_DAY) * MS_PER_DAY;
}

/** Ms of `days` at [hour, minute, second, fraction digits, zone text] (all optional), or null when invalid. */
function withTime(days: number, [h, mi, sec, frac, zone]: (string | undefined)[]): number | null {
  const [hh, mm, ss] = [Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0)];
  if (hh > 23 || mm > 59 || ss > 59) return null;
  const local = msOfCivil(days, hh, mm, ss, fractionMs(frac?.slice(0, 9)));
  const z = zone === undefined ? '' : zone.trim();
  return z === '' ? local : zoneToUtc(local, z);
}

/** Converts a wall-clock time in `zone` to UTC, or null for a zone Spark would not accept. */
function zoneToUtc(local: number, zone: string): number | null {
  if (zone === 'Z' || zone === 'z') return local;
  const prefix = UTC_RE.exec(zone);
  const rest = prefix ? zone.slice(prefix[0].length) : zone;
  if (prefix && rest === '') return local;
  if (OFFSET_RE.test(rest)) {
    const off = offsetMinutes(rest.length <= 3 ? `${rest}00` : rest);
    return Math.abs(off) > 18 * 60 ? null : local - off * 60000;
  }
  return prefix ? null : regionToUtc(local, zone);
}

const FORMATS = new Map<string, Intl.DateTimeFormat | null>();

/** The offset (ms) of a region zone at a UTC instant, read through Intl; null for an unknown zone. */
function regionOffset(zone: string, utc: number): number | null {
  let f = FORMATS.get(zone);
  if (f === undefined) {
    try {
      f = zone.includes('/') ? new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }) : null;
    } catch {
      f = null;
    }
    FORMATS.set(zone, f);
  }
  if (!f) return null;
  const p: Record<string, number> = {};
  for (const part of f.formatToParts(utc)) if (part.type !== 'literal') p[part.type] = Number(part.value);
  const days = civilDays(p.year!, p.month!, p.day!);
  return days === null ? null : msOfCivil(days, p.hour!, p.minute!, p.second!, 0) - (utc - (((utc % 1000) + 1000) % 1000));
}

/** A wall-clock time in a region: the offset at the guess, corrected once (enough outside DST gaps). */
function regionToUtc(local: number, zone: string): number | null {
  const first = regionOffset(zone, local);
  if (first === null) return null;
  const second = regionOffset(zone, local - first);
  return local - (second ?? first);
}
