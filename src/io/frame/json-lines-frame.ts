import { VectorBuilder } from '../../frame/batch/builder.js';
import { FRAME_BATCH_ROWS } from '../../frame/batch/vector.js';
import type { DataType, Field } from '../../frame/types.js';
import { InputError } from '../../util/errors.js';
import { readLines } from '../line-reader.js';
import { isGzipPath, type TextSplit } from '../text-splits.js';
import type { InputFile } from './file-listing.js';
import { SAMPLE_ROWS, type ReadMode } from './frame-options.js';
import { MalformedLines, type RawColumns } from './malformed.js';
import { jsonBytesFields, readJsonBytes } from './json-lines-bytes.js';
import { jsonValueType, settleType, widenType } from './type-inference.js';
import { BAD, parseDate, parseTimestamp } from './value-parsers.js';

/*
 * JSON lines as DataFrame columns: one JSON object per line. Blank lines are skipped. Nested
 * objects become string columns holding their JSON text; arrays become list columns.
 */

function isBlank(line: string): boolean {
  return line.length === 0 || line.trim().length === 0;
}

function asRecord(line: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(line);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Infers fields from the first ~1000 records of the files (in order of first appearance); malformed lines are skipped. */
export function inferJsonFields(files: readonly InputFile[]): Field[] {
  const types = new Map<string, DataType>();
  let sampled = 0;
  outer: for (const f of files) {
    if (f.size === 0) continue;
    const split = { path: f.path, start: 0, end: f.size, gzip: isGzipPath(f.path), fileSize: f.size };
    for (const lines of readLines(split, 256)) {
      for (const line of lines) {
        if (isBlank(line)) continue;
        const rec = asRecord(line);
        if (!rec) continue;
        for (const [k, v] of Object.entries(rec)) types.set(k, widenType(types.get(k) ?? 'null', jsonValueType(v)));
        if (++sampled >= SAMPLE_ROWS) break outer;
      }
    }
  }
  if (sampled === 0) throw new InputError(`cannot infer a JSON schema: no JSON object in the first lines of ${files[0]?.path ?? 'the input'}`, files[0]?.path ?? '');
  return [...types].map(([name, t]) => ({ name, type: settleType(t), nullable: true }));
}

type Converter = (v: unknown) => unknown;

/** A JSON value → the builder value of `type`, or BAD when it does not fit (a string column takes any value: non-strings as their JSON text). */
function jsonConverter(type: DataType): Converter {
  if (typeof type === 'object') return (v) => (Array.isArray(v) ? v : BAD);
  switch (type) {
    case 'int32':
      return (v) => (typeof v === 'number' && Number.isInteger(v) && v >= -2147483648 && v <= 2147483647 ? v : BAD);
    case 'int64':
      return (v) => (typeof v === 'number' && Number.isInteger(v) ? v : BAD);
    case 'float64':
      return (v) => (typeof v === 'number' ? v : BAD);
    case 'bool':
      return (v) => (typeof v === 'boolean' ? v : BAD);
    case 'date':
      return (v) => (typeof v === 'string' ? parseDate(v) : BAD);
    case 'timestamp':
      return (v) => (typeof v === 'string' ? parseTimestamp(v) : typeof v === 'number' ? v : BAD);
    case 'string':
      return (v) => (typeof v === 'string' ? v : JSON.stringify(v));
    default:
      return () => BAD;
  }
}

/**
 * Reads the records of one split into the columns `fields` (missing keys are nulls), like the CSV
 * reader. String and number columns are read from bytes (json-lines-bytes.ts); this JSON.parse path
 * reads the others and stays the reference the byte path is tested against (readJsonParsed).
 */
export function* readJsonSplit(
  split: TextSplit,
  fields: readonly Field[],
  mode: ReadMode,
  onDropped?: (n: number) => void,
  batchRows = FRAME_BATCH_ROWS,
): Generator<RawColumns> {
  if (jsonBytesFields(fields)) {
    const conv = fields.map((f) => jsonConverter(f.type));
    yield* readJsonBytes(split, fields, mode, { isBlank, asRecord, convert: (j, v) => conv[j]!(v) }, onDropped, batchRows);
  } else yield* readJsonParsed(split, fields, mode, onDropped, batchRows);
}

/** readJsonSplit through JSON.parse, line by line: for list, bool, date and timestamp columns, and as the byte reader's reference in tests. */
export function* readJsonParsed(
  split: TextSplit,
  fields: readonly Field[],
  mode: ReadMode,
  onDropped?: (n: number) => void,
  batchRows = FRAME_BATCH_ROWS,
): Generator<RawColumns> {
  const conv = fields.map((f) => jsonConverter(f.type));
  const names = fields.map((f) => f.name);
  const bad = new MalformedLines(split, mode, onDropped);
  const scratch: unknown[] = new Array<unknown>(fields.length);
  let builders = fields.map((f) => new VectorBuilder(f.type, 1024));
  let rows = 0;
  let base = 0;
  const flush = (): RawColumns => {
    const out = { columns: builders.map((b) => b.finish()), rows };
    builders = fields.map((f) => new VectorBuilder(f.type, 1024));
    rows = 0;
    return out;
  };
  for (const lines of readLines(split, 4096)) {
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (isBlank(line)) continue;
      const rec = asRecord(line);
      if (!rec) {
        bad.report(base + i, line, 'not a JSON object');
        continue;
      }
      let ok = true;
      for (let j = 0; j < names.length; j++) {
        const v = rec[names[j]!];
        const x = v === null || v === undefined ? null : conv[j]!(v);
        if (x === BAD) {
          bad.report(base + i, line, `field ${names[j]}: ${JSON.stringify(v)} is not a ${JSON.stringify(fields[j]!.type)}`);
          ok = false;
          break;
        }
        scratch[j] = x;
      }
      if (!ok) continue;
      for (let j = 0; j < names.length; j++) builders[j]!.append(scratch[j]);
      if (++rows >= batchRows) yield flush();
    }
    base += lines.length;
  }
  if (rows > 0) yield flush();
  bad.finish();
}
