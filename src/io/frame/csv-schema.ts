import type { Field } from '../../frame/types.js';
import { InputError } from '../../util/errors.js';
import { readLines } from '../line-reader.js';
import { isGzipPath, type TextSplit } from '../text-splits.js';
import { CsvRecords } from './csv-records.js';
import { BARE, csvBytes, ESCAPED, FieldSpans, tokenizeLine, unescapeField } from './csv-tokenizer.js';
import { csvParseOptions, parseCsvLines } from './csv-lines.js';
import type { InputFile } from './file-listing.js';
import { SAMPLE_ROWS, type CsvOptions } from './frame-options.js';
import { TextTypeInferrer } from './type-inference.js';

/** Header names made unique and non-empty (Spark style: `_c<i>` for blanks, `<name><i>` for duplicates). */
function columnNames(header: readonly (string | null)[] | null, width: number): string[] {
  const raw = Array.from({ length: width }, (_, i) => (header?.[i]?.trim() ? header[i]!.trim() : `_c${i}`));
  const counts = new Map<string, number>();
  for (const n of raw) counts.set(n, (counts.get(n) ?? 0) + 1);
  return raw.map((n, i) => (counts.get(n)! > 1 ? `${n}${i}` : n));
}

/**
 * Infers the data columns of CSV files: names from the header line of the first non-empty file
 * (or `_c0`, `_c1`... without a header), types from the first ~1000 rows (all `string` when
 * `inferSchema` is false). Sampled lines that do not parse are skipped here; the reader reports them.
 */
export function inferCsvFields(files: readonly InputFile[], o: CsvOptions): Field[] {
  let header: (string | null)[] | null = null;
  let width = -1;
  let inferrers: TextTypeInferrer[] = [];
  let sampled = 0;
  const done = (): boolean => sampled >= SAMPLE_ROWS || (!o.inferSchema && width >= 0);
  for (const f of files) {
    if (f.size === 0) continue;
    let first = true;
    const split = { path: f.path, start: 0, end: f.size, gzip: isGzipPath(f.path), fileSize: f.size };
    for (const rec of sampleRecords(split, o)) {
      if (first && o.header) {
        first = false;
        if (header === null) {
          header = rec;
          width = rec.length;
          inferrers = rec.map(() => new TextTypeInferrer());
        }
        continue;
      }
      first = false;
      if (width < 0) {
        width = rec.length;
        inferrers = rec.map(() => new TextTypeInferrer());
      }
      if (done()) break;
      if (!o.inferSchema || rec.length !== width) continue;
      for (let c = 0; c < width; c++) if (rec[c] !== null) inferrers[c]!.add(rec[c]!);
      sampled++;
    }
    if (done()) break;
  }
  if (width < 0) throw new InputError(`cannot infer a CSV schema: the input files are empty (${files[0]?.path ?? 'no files'})`, files[0]?.path ?? '');
  const names = columnNames(header, width);
  return names.map((name, i) => ({ name, type: o.inferSchema ? inferrers[i]!.result() : 'string', nullable: true }));
}

/**
 * The records of a file as field texts (null for an unquoted nullValue), skipping records that do
 * not parse: through the byte tokenizer when the settings allow (the reader's own cut of records,
 * multi-line ones included), else csv-parse line by line.
 */
function* sampleRecords(split: TextSplit, o: CsvOptions): Generator<(string | null)[]> {
  const c = csvBytes(o);
  if (!c) {
    const opts = csvParseOptions(o);
    for (const lines of readLines(split, 256)) yield* parseCsvLines(lines, opts).records;
    return;
  }
  const recs = new CsvRecords(split, c, o.multiLine);
  const spans = new FieldSpans();
  const nullValue = Buffer.from(o.nullValue);
  let scratch = Buffer.alloc(256);
  try {
    while (recs.next()) {
      const k = tokenizeLine(recs.buf, recs.a, recs.b, c, spans);
      if (k < 0 || recs.open) continue;
      const rec = new Array<string | null>(k);
      for (let j = 0; j < k; j++) {
        const a = spans.start[j]!;
        const b = spans.end[j]!;
        if (spans.kind[j] === BARE && nullValue.equals(recs.buf.subarray(a, b))) rec[j] = null;
        else if (spans.kind[j] === ESCAPED) {
          if (scratch.length < b - a) scratch = Buffer.alloc(2 * (b - a));
          rec[j] = scratch.toString('utf8', 0, unescapeField(recs.buf, a, b, c, scratch));
        } else rec[j] = recs.buf.toString('utf8', a, b);
      }
      yield rec;
    }
  } finally {
    recs.close();
  }
}
