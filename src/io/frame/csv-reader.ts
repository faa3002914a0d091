import { VectorBuilder } from '../../frame/batch/builder.js';
import { FRAME_BATCH_ROWS } from '../../frame/batch/vector.js';
import type { Field } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';
import { readLines } from '../line-reader.js';
import type { TextSplit } from '../text-splits.js';
import { csvParseOptions, parseCsvLines } from './csv-lines.js';
import type { CsvOptions } from './frame-options.js';
import { readCsvBytes } from './csv-bytes-reader.js';
import { csvBytes } from './csv-tokenizer.js';
import { MalformedLines, unbalancedQuotes, type RawColumns } from './malformed.js';
import { BAD, textParser, type Parsed, type TextParser } from './value-parsers.js';

/**
 * Reads the CSV records of one split into columns: `fields` are all the data columns of the file (a
 * record must have exactly that many fields), `want` the indices of those to decode, in output
 * order. Only wanted columns are parsed, so a bad value in an unread column is not noticed.
 * The header line (first non-empty line of the file, when `o.header`) is skipped by the split
 * that starts at byte 0. Values are appended straight into column builders.
 *
 * With a one-byte ASCII delimiter, quote and escape (the usual case) the bytes are tokenized here
 * (csv-bytes-reader.ts); other settings go through csv-parse line by line, which is also the
 * reference the byte tokenizer is tested against.
 */
export function* readCsvSplit(
  split: TextSplit,
  fields: readonly Field[],
  want: readonly number[],
  o: CsvOptions,
  onDropped?: (n: number) => void,
  batchRows = FRAME_BATCH_ROWS,
): Generator<RawColumns> {
  const bytes = csvBytes(o);
  if (bytes) yield* readCsvBytes(split, fields, want, o, bytes, onDropped, batchRows);
  else if (o.multiLine) throw new SluiceError('CSV option multiLine needs a one-byte ASCII delimiter, quote and escape');
  else yield* readCsvParsed(split, fields, want, o, onDropped, batchRows);
}

/** readCsvSplit through csv-parse, line by line: for settings the byte tokenizer does not take, and as its reference in tests. */
export function* readCsvParsed(
  split: TextSplit,
  fields: readonly Field[],
  want: readonly number[],
  o: CsvOptions,
  onDropped?: (n: number) => void,
  batchRows = FRAME_BATCH_ROWS,
): Generator<RawColumns> {
  const parsers: TextParser[] = want.map((c) => {
    const p = textParser(fields[c]!.type);
    if (!p) throw new SluiceError(`CSV column ${fields[c]!.name} has type ${JSON.stringify(fields[c]!.type)}, which cannot be read from text`);
    return p;
  });
  const opts = csvParseOptions(o);
  const bad = new MalformedLines(split, o.mode, onDropped);
  const width = fields.length;
  const scratch: Parsed[] = new Array<Parsed>(want.length);
  const isNull: boolean[] = new Array<boolean>(want.length);
  let builders = want.map((c) => new VectorBuilder(fields[c]!.type, 1024));
  let rows = 0;
  let skipHeader = o.header && split.start === 0;
  let base = 0; // index in the split of the first line of the current chunk

  const flush = (): RawColumns => {
    const out = { columns: builders.map((b) => b.finish()), rows };
    builders = want.map((c) => new VectorBuilder(fields[c]!.type, 1024));
    rows = 0;
    return out;
  };

  for (const lines of readLines(split, 4096)) {
    const parsed = parseCsvLines(lines, opts);
    const recs = parsed.records;
    const firstBad = parsed.bad.length > 0 ? parsed.bad[0]! : Infinity;
    if (skipHeader) {
      // The header is the first non-empty line; a chunk with only blank lines keeps us waiting.
      const firstLine = Math.min(parsed.lineIndex[0] ?? Infinity, firstBad);
      if (firstLine !== Infinity) {
        skipHeader = false;
        if (firstLine === firstBad) parsed.bad.shift();
        else {
          recs.shift();
          parsed.lineIndex.shift();
        }
      }
    }
    let bi = 0; // next unparseable line, reported in line order
    for (let k = 0; k < recs.length; k++) {
      const li = parsed.lineIndex[k]!;
      for (; bi < parsed.bad.length && parsed.bad[bi]! < li; bi++) bad.report(base + parsed.bad[bi]!, lines[parsed.bad[bi]!]!, unbalancedQuotes(o));
      const rec = recs[k]!;
      if (rec.length !== width) {
        bad.report(base + li, lines[li]!, `expected ${width} fields, found ${rec.length}`);
        continue;
      }
      let ok = true;
      for (let j = 0; j < want.length; j++) {
        const s = rec[want[j]!]!;
        isNull[j] = s === null;
        if (s === null) continue;
        const v = parsers[j]!(s);
        if (v === BAD) {
          const f = fields[want[j]!]!;
          bad.report(base + li, lines[li]!, `column ${f.name}: '${s}' is not a ${String(f.type)}`);
          ok = false;
          break;
        }
        scratch[j] = v;
      }
      if (!ok) continue;
      for (let j = 0; j < want.length; j++) {
        if (isNull[j]) builders[j]!.appendNull();
        else builders[j]!.append(scratch[j]);
      }
      if (++rows >= batchRows) yield flush();
    }
    for (; bi < parsed.bad.length; bi++) bad.report(base + parsed.bad[bi]!, lines[parsed.bad[bi]!]!, unbalancedQuotes(o));
    base += lines.length;
  }
  if (rows > 0) yield flush();
  bad.finish();
}
