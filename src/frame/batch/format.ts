import type { DataType, Schema } from '../types.js';
import { isNumeric } from '../types.js';
import { daysOfMs } from '../dates/calendar.js';
import { isoDate, isoTimestamp } from '../dates/date-text.js';

/**
 * Rows as an ASCII table in the style of Spark's `show()`:
 *
 *     +---+-----+
 *     |  n|name |
 *     +---+-----+
 *     |  1|alice|
 *     |  2|NULL |
 *     +---+-----+
 *
 * Numbers are right-aligned, other values left-aligned; null is `NULL`; dates
 * print as YYYY-MM-DD and timestamps as ISO 8601 (UTC); float64 integers keep a
 * `.0`. String and list cells (and headers) longer than `truncate` characters
 * (default 20, 0 = never) are cut to `truncate - 3` characters and `...`, as
 * Spark does; numbers, dates and timestamps are never cut.
 */
export function formatTable(schema: Schema, rows: readonly (readonly unknown[])[], opts: { truncate?: number } = {}): string {
  const limit = opts.truncate ?? 20;
  const fields = schema.fields;
  const clipped = fields.map((f) => f.type === 'string' || typeof f.type === 'object');
  const cells = rows.map((r) => fields.map((f, c) => (clipped[c] ? clip(formatCell(r[c], f.type), limit) : formatCell(r[c], f.type))));
  const header = fields.map((f) => clip(f.name, limit));
  const widths = header.map((h) => Math.max(MIN_WIDTH, h.length));
  for (const r of cells) for (let c = 0; c < r.length; c++) widths[c] = Math.max(widths[c]!, r[c]!.length);
  const right = fields.map((f) => isNumeric(f.type));
  const line = `+${widths.map((w) => '-'.repeat(w)).join('+')}+`;
  const row = (r: string[]) => `|${r.map((s, c) => (right[c] ? s.padStart(widths[c]!) : s.padEnd(widths[c]!))).join('|')}|`;
  return [line, row(header), line, ...cells.map(row), line].join('\n') + '\n';
}

/** Spark's minimum column width. */
const MIN_WIDTH = 3;

/** One value as show() prints it (see formatTable). */
export function formatCell(x: unknown, type: DataType): string {
  if (x === null || x === undefined) return 'NULL';
  if (typeof type === 'object') {
    const items = (x as unknown[]).map((e) => formatCell(e, type.list));
    return `[${items.join(', ')}]`;
  }
  switch (type) {
    case 'float64':
      return formatFloat(x as number);
    case 'date':
      return formatDate(x);
    case 'timestamp':
      return formatTimestamp(x);
    default:
      return String(x);
  }
}

function formatFloat(x: number): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'NaN' : x > 0 ? 'Infinity' : '-Infinity';
  const s = String(x);
  return Number.isInteger(x) && !s.includes('e') ? `${s}.0` : s;
}

/** A Date (UTC midnight) or a number of days since the epoch, as YYYY-MM-DD. */
function formatDate(x: unknown): string {
  return isoDate(x instanceof Date ? daysOfMs(x.getTime()) : (x as number));
}

/** A Date or a number of ms since the epoch, as ISO 8601. */
function formatTimestamp(x: unknown): string {
  return isoTimestamp(x instanceof Date ? x.getTime() : (x as number));
}

function clip(s: string, limit: number): string {
  if (limit <= 0 || s.length <= limit) return s;
  return limit < 4 ? s.slice(0, limit) : `${s.slice(0, limit - 3)}...`;
}
