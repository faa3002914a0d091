import * as fs from 'node:fs';
import { SluiceError } from '../../util/errors.js';
import type { TextSplit } from '../text-splits.js';
import { openForRead } from '../line-reader.js';
import { IN, OUT, skipQuoted, type ScanState } from './csv-records.js';
import { csvBytes, type CsvBytes } from './csv-tokenizer.js';
import type { CsvOptions } from './frame-options.js';

const CHUNK = 4 * 1024 * 1024;

/** How the planner adjusts the byte-range splits of CSV files: moved to record starts with `multiLine`, else kept. */
export function csvSplitAdjuster(o: CsvOptions): ((splits: TextSplit[]) => TextSplit[]) | undefined {
  if (!o.multiLine) return undefined;
  const c = csvBytes(o);
  if (!c) throw new SluiceError('CSV option multiLine needs a one-byte ASCII delimiter, quote and escape, different from each other and from a line break');
  return (splits) => alignCsvSplits(splits, c);
}

/**
 * Byte-range splits of CSV files whose records may span lines (`multiLine`), moved to record
 * boundaries. A split reader cannot tell on its own whether its first `\n` is inside quotes, so the
 * planner decides: it scans each split file once from byte 0 with the record state machine of
 * csv-records.ts (quotes found with indexOf, so a file with few quotes is scanned at memchr speed)
 * and moves each split start `s` to just after the first record-ending `\n` at or after `s - 1`.
 * That is the line reader's own ownership rule applied to records, so with the moved starts every
 * split reads exactly the records that start in it, and the cut is the one a single reader of the
 * whole file makes: provably the same records, at the cost of reading the file once more on the
 * driver. Splits left empty are dropped; gzip files (never split) are kept as they are.
 */
export function alignCsvSplits(splits: readonly TextSplit[], c: CsvBytes): TextSplit[] {
  const out: TextSplit[] = [];
  for (let i = 0; i < splits.length; ) {
    let j = i + 1;
    while (j < splits.length && splits[j]!.path === splits[i]!.path) j++;
    const group = splits.slice(i, j);
    i = j;
    if (group.length === 1 || group[0]!.gzip) {
      out.push(...group);
      continue;
    }
    const starts = recordStarts(group[0]!.path, group.slice(1).map((s) => s.start), c, group[0]!.fileSize);
    const bounds = [group[0]!.start, ...starts, group[group.length - 1]!.end];
    for (let k = 0; k < group.length; k++) {
      const start = Math.min(bounds[k]!, group[k]!.fileSize);
      const end = Math.max(start, Math.min(bounds[k + 1]!, group[k]!.fileSize));
      if (end > start || k === 0) out.push({ ...group[k]!, start, end });
    }
  }
  return out;
}

/**
 * For each target `s` (ascending), the offset just after the first `\n` outside quotes at or after
 * byte `s - 1`; the file size when there is none.
 */
export function recordStarts(path: string, targets: readonly number[], c: CsvBytes, knownSize?: number): number[] {
  const res: number[] = [];
  const fd = openForRead(path, undefined);
  try {
    const size = knownSize ?? fs.fstatSync(fd).size;
    const buf = Buffer.allocUnsafe(Math.max(1, Math.min(CHUNK, size)));
    let base = 0;
    const scan: ScanState = { state: OUT, newlines: 0 };
    let t = 0;
    while (t < targets.length) {
      const n = fs.readSync(fd, buf, 0, buf.length, base);
      if (n === 0) break;
      let i = 0;
      while (i < n && t < targets.length) {
        if (scan.state !== OUT) {
          i = skipQuoted(buf, i, n, c, scan);
          continue;
        }
        let q = buf.indexOf(c.quote, i);
        if (q < 0 || q >= n) q = n;
        // Targets whose first record end lies in this stretch outside quotes.
        while (t < targets.length) {
          const from = Math.max(i, targets[t]! - 1 - base);
          if (from >= q) break;
          const nl = buf.indexOf(0x0a, from);
          if (nl < 0 || nl >= q) break;
          res.push(base + nl + 1);
          t++;
        }
        if (q === n) break;
        scan.state = IN;
        i = q + 1;
      }
      base += n;
    }
    while (res.length < targets.length) res.push(size);
    return res;
  } finally {
    fs.closeSync(fd);
  }
}
