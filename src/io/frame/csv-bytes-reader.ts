import type { Field } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';
import type { TextSplit } from '../text-splits.js';
import { BARE, ESCAPED, FieldSpans, tokenizeLine, unescapeField, type CsvBytes } from './csv-tokenizer.js';
import type { CsvOptions } from './frame-options.js';
import { CsvRecords } from './csv-records.js';
import { MalformedLines, unbalancedQuotes, type RawColumns } from './malformed.js';
import { textColumn, type TextColumn } from './text-columns.js';

/**
 * The CSV reader on bytes (see readCsvSplit for what it reads): records (lines, or with `multiLine`
 * records whose quoted fields may hold line breaks: csv-records.ts) are tokenized in the input
 * buffer into field spans, and the wanted fields go straight into column builders: numbers parsed
 * from bytes, strings into byte dictionaries. Nothing is made per field but the parsed value.
 */
export function* readCsvBytes(
  split: TextSplit,
  fields: readonly Field[],
  want: readonly number[],
  o: CsvOptions,
  c: CsvBytes,
  onDropped: ((n: number) => void) | undefined,
  batchRows: number,
): Generator<RawColumns> {
  const width = fields.length;
  const cap = Math.min(batchRows, 4096);
  const cols: TextColumn[] = want.map((i) => {
    const col = textColumn(fields[i]!.type, cap);
    if (!col) throw new SluiceError(`CSV column ${fields[i]!.name} has type ${JSON.stringify(fields[i]!.type)}, which cannot be read from text`);
    return col;
  });
  const bad = new MalformedLines(split, o.mode, onDropped);
  const spans = new FieldSpans();
  const nullBytes = Buffer.from(o.nullValue, 'utf8');
  let scratch = Buffer.alloc(256);
  let skipHeader = o.header && split.start === 0;
  let rows = 0;

  const flush = (): RawColumns => {
    const out = { columns: cols.map((col) => col.finish()), rows };
    rows = 0;
    return out;
  };
  const isNull = (buf: Uint8Array, a: number, b: number): boolean => {
    if (b - a !== nullBytes.length) return false;
    for (let i = 0; i < nullBytes.length; i++) if (buf[a + i] !== nullBytes[i]) return false;
    return true;
  };
  const lineText = (buf: Buffer, a: number, b: number): string => buf.toString('utf8', a, b);

  const recs = new CsvRecords(split, c, o.multiLine);
  try {
    while (recs.next()) {
      const { buf, a: lineStart, b, index } = recs;
      if (skipHeader) {
        skipHeader = false;
        continue;
      }
      const k = tokenizeLine(buf, lineStart, b, c, spans);
      if (k < 0 || recs.open) {
        bad.report(index, lineText(buf, lineStart, b), unbalancedQuotes(o));
        continue;
      }
      if (k !== width) {
        bad.report(index, lineText(buf, lineStart, b), `expected ${width} fields, found ${k}`);
        continue;
      }
      let ok = true;
      for (let j = 0; j < want.length; j++) {
        const f = want[j]!;
        let s = spans.start[f]!;
        let e = spans.end[f]!;
        const kind = spans.kind[f]!;
        let src: Uint8Array = buf;
        if (kind === BARE && isNull(buf, s, e)) {
          cols[j]!.stageNull();
          continue;
        }
        if (kind === ESCAPED) {
          if (scratch.length < e - s) scratch = Buffer.alloc(2 * (e - s));
          e = unescapeField(buf, s, e, c, scratch);
          s = 0;
          src = scratch;
        }
        if (!cols[j]!.stage(src, s, e)) {
          const field = fields[f]!;
          const text = Buffer.from(src.buffer, src.byteOffset, src.byteLength).toString('utf8', s, e);
          bad.report(index, lineText(buf, lineStart, b), `column ${field.name}: '${text}' is not a ${String(field.type)}`);
          ok = false;
          break;
        }
      }
      if (!ok) continue;
      for (let j = 0; j < cols.length; j++) cols[j]!.commit();
      if (++rows >= batchRows) yield flush();
    }
    if (rows > 0) yield flush();
  } finally {
    recs.close();
  }
  bad.finish();
}
