import type { Field } from '../../frame/types.js';
import { readLineBytes } from '../line-reader.js';
import type { TextSplit } from '../text-splits.js';
import type { ReadMode } from './frame-options.js';
import { FlatObjectScan, V_NULL, V_NUMBER, V_STRING } from './json-flat-scanner.js';
import { MalformedLines, type RawColumns } from './malformed.js';
import { textColumn, type TextColumn } from './text-columns.js';
import { BAD } from './value-parsers.js';

/** A JSON line decoded by JSON.parse, for the lines the byte scanner leaves (see json-lines-frame.ts). */
export interface JsonFallback {
  isBlank(line: string): boolean;
  asRecord(line: string): Record<string, unknown> | null;
  /** The column value of a JSON value for field j, or BAD. */
  convert(j: number, v: unknown): unknown;
}

/** Whether every field can be read by {@link readJsonBytes} (strings and numbers). */
export function jsonBytesFields(fields: readonly Field[]): boolean {
  return fields.every((f) => f.type === 'string' || f.type === 'int32' || f.type === 'int64' || f.type === 'float64');
}

/**
 * JSON lines of string and number columns read from bytes: each line goes through the flat-object
 * scanner (json-flat-scanner.ts) and its values straight into column builders (numbers as parsed,
 * strings as UTF-8 bytes into a dictionary). A line the scanner does not take, or whose value kinds
 * do not match the columns, is read with JSON.parse and the same conversions as the other reader,
 * so both give the same rows, and the same errors for bad lines.
 */
export function* readJsonBytes(
  split: TextSplit,
  fields: readonly Field[],
  mode: ReadMode,
  slow: JsonFallback,
  onDropped: ((n: number) => void) | undefined,
  batchRows: number,
): Generator<RawColumns> {
  const n = fields.length;
  const cols: TextColumn[] = fields.map((f) => textColumn(f.type, Math.min(batchRows, 4096))!);
  const isString = fields.map((f) => f.type === 'string');
  const scan = new FlatObjectScan(fields.map((f) => f.name));
  const bad = new MalformedLines(split, mode, onDropped);
  let rows = 0;
  let lineNo = 0;
  const flush = (): RawColumns => {
    const out = { columns: cols.map((c) => c.finish()), rows };
    rows = 0;
    return out;
  };

  /** Stages the scanned values; false when a value kind does not fit its column (JSON.parse then decides). */
  const stageScanned = (buf: Buffer): boolean => {
    for (let j = 0; j < n; j++) {
      const kind = scan.kind[j]!;
      if (kind === 0 || kind === V_NULL) cols[j]!.stageNull();
      else if (isString[j]) {
        if (kind !== V_STRING) return false;
        cols[j]!.stage(buf, scan.start[j]!, scan.end[j]!);
      } else {
        if (kind !== V_NUMBER) return false;
        const v = slow.convert(j, scan.num[j]!);
        if (v === BAD) return false;
        cols[j]!.stageValue(v as number);
      }
    }
    return true;
  };

  /** Reads one line with JSON.parse; false when it is blank or malformed (reported). */
  const stageParsed = (line: string, index: number): boolean => {
    if (slow.isBlank(line)) return false;
    const rec = slow.asRecord(line);
    if (!rec) {
      bad.report(index, line, 'not a JSON object');
      return false;
    }
    for (let j = 0; j < n; j++) {
      const v = rec[fields[j]!.name];
      if (v === null || v === undefined) {
        cols[j]!.stageNull();
        continue;
      }
      const x = slow.convert(j, v);
      if (x === BAD) {
        bad.report(index, line, `field ${fields[j]!.name}: ${JSON.stringify(v)} is not a ${JSON.stringify(fields[j]!.type)}`);
        return false;
      }
      if (isString[j]) {
        const bytes = Buffer.from(x as string, 'utf8');
        cols[j]!.stage(bytes, 0, bytes.length);
      } else cols[j]!.stageValue(x as number);
    }
    return true;
  };

  for (const { buf, start, end } of readLineBytes(split)) {
    let a = start;
    while (a <= end) {
      let nl = buf.indexOf(0x0a, a);
      if (nl < 0 || nl > end) nl = end;
      const index = lineNo++;
      const s = a;
      a = nl + 1;
      const e = nl > s && buf[nl - 1] === 0x0d ? nl - 1 : nl;
      if (e === s) continue; // an empty line
      const ok = (scan.scan(buf, s, e) && stageScanned(buf)) || stageParsed(buf.toString('utf8', s, e), index);
      if (!ok) continue;
      for (let j = 0; j < n; j++) cols[j]!.commit();
      if (++rows >= batchRows) yield flush();
    }
  }
  if (rows > 0) yield flush();
  bad.finish();
}
