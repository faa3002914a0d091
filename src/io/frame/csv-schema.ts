import type { Field } from '../../frame/types.js';
import { InputError } from '../../util/errors.js';
import { readLines } from '../line-reader.js';
import { isGzipPath } from '../text-splits.js';
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
  const opts = csvParseOptions(o);
  let header: (string | null)[] | null = null;
  let width = -1;
  let inferrers: TextTypeInferrer[] = [];
  let sampled = 0;
  for (const f of files) {
    if (f.size === 0) continue;
    let first = true;
    const split = { path: f.path, start: 0, end: f.size, gzip: isGzipPath(f.path), fileSize: f.size };
    for (const lines of readLines(split, 256)) {
      const { records } = parseCsvLines(lines, opts);
      for (const rec of records) {
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
        if (!o.inferSchema || rec.length !== width) continue;
        for (let c = 0; c < width; c++) if (rec[c] !== null) inferrers[c]!.add(rec[c]!);
        if (++sampled >= SAMPLE_ROWS) break;
      }
      if (sampled >= SAMPLE_ROWS || (!o.inferSchema && width >= 0)) break;
    }
    if (sampled >= SAMPLE_ROWS || (!o.inferSchema && width >= 0)) break;
  }
  if (width < 0) throw new InputError(`cannot infer a CSV schema: the input files are empty (${files[0]?.path ?? 'no files'})`, files[0]?.path ?? '');
  const names = columnNames(header, width);
  return names.map((name, i) => ({ name, type: o.inferSchema ? inferrers[i]!.result() : 'string', nullable: true }));
}
