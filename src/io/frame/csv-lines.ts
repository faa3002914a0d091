import { parse, type Options } from 'csv-parse/sync';
import type { CsvOptions } from './frame-options.js';

/**
 * CSV parsing of whole lines, as read by the line reader. Each CSV record must be one line: quoted
 * fields may hold delimiters and quotes but NOT newlines (a byte-range split cannot tell a newline
 * inside quotes from a record boundary). A line whose quotes do not close is reported malformed.
 */

/**
 * csv-parse options for one configuration (no header handling: we do that ourselves). An unquoted
 * field equal to `nullValue` becomes null; a quoted one never does (so `""` is an empty string).
 */
export function csvParseOptions(o: CsvOptions): Options {
  const nullValue = o.nullValue;
  return {
    delimiter: o.delimiter,
    quote: o.quote,
    escape: o.escape ?? o.quote,
    relax_column_count: true,
    skip_empty_lines: false,
    record_delimiter: '\n',
    cast: (value, ctx) => (!ctx.quoting && value === nullValue ? null : value),
  };
}

/** One parsed chunk: `records[k]` came from `lines[lineIndex[k]]` (null fields are nulls); `bad` lists lines that could not be parsed. */
export interface ParsedLines {
  records: (string | null)[][];
  lineIndex: number[];
  bad: number[];
}

/**
 * Parses the non-empty lines of `lines` (one csv-parse call for the whole chunk on the fast path; line
 * by line when that fails, to find the bad lines).
 */
export function parseCsvLines(lines: readonly string[], opts: Options): ParsedLines {
  const lineIndex: number[] = [];
  const kept: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.length === 0) continue;
    lineIndex.push(i);
    kept.push(lines[i]!);
  }
  if (kept.length === 0) return { records: [], lineIndex, bad: [] };
  try {
    const records = parse(kept.join('\n'), opts) as (string | null)[][];
    if (records.length === kept.length) return { records, lineIndex, bad: [] };
  } catch {
    // fall through: find the offending lines one by one
  }
  const records: (string | null)[][] = [];
  const goodIndex: number[] = [];
  const bad: number[] = [];
  for (let k = 0; k < kept.length; k++) {
    try {
      const r = parse(kept[k]!, opts) as (string | null)[][];
      if (r.length !== 1) throw new Error('not one record');
      records.push(r[0]!);
      goodIndex.push(lineIndex[k]!);
    } catch {
      bad.push(lineIndex[k]!);
    }
  }
  return { records, lineIndex: goodIndex, bad };
}
