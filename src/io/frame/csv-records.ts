import { readLineBytes, type LineRegion } from '../line-reader.js';
import type { TextSplit } from '../text-splits.js';
import type { CsvBytes } from './csv-tokenizer.js';

/*
 * CSV records as byte spans. Without `multiLine` a record is a line. With it (RFC 4180) a record
 * ends at a `\n` outside quotes, where "outside" is decided by one state machine over the bytes from
 * the start of the file: a quote enters a quoted stretch, the next quote leaves it (so a doubled
 * quote leaves and re-enters), and inside, an escape byte other than the quote makes the next byte
 * literal. The tokenizer agrees with it on well-formed records; a malformed record (a stray quote) is
 * still cut where this machine says, so every reader of a file cuts it the same way.
 */

/** Scan states: outside quotes, inside, inside right after an escape byte. */
export const OUT = 0;
export const IN = 1;
export const IN_ESC = 2;

/** The state a scan ends in, and the `\n` bytes it passed inside quotes. */
export interface ScanState {
  state: number;
  newlines: number;
}

/**
 * Scans `buf[i, end)` from `s.state` for the `\n` that ends the record: returns its index, or `end`
 * when there is none (then `s.state` says whether the record is still open inside quotes at `end`).
 * Adds the `\n` bytes passed inside quotes to `s.newlines`.
 */
export function scanRecord(buf: Buffer, i: number, end: number, c: CsvBytes, s: ScanState): number {
  for (;;) {
    if (s.state === OUT) {
      let nl = buf.indexOf(0x0a, i);
      if (nl < 0 || nl > end) nl = end;
      const q = buf.indexOf(c.quote, i);
      if (q < 0 || q >= nl) return nl;
      s.state = IN;
      i = q + 1;
    }
    i = skipQuoted(buf, i, end, c, s);
    if (s.state !== OUT) return end;
  }
}

/**
 * From inside quotes at `i` (`s.state` IN or IN_ESC): the index just after the closing quote, with
 * `s.state` OUT, or `end` with the state there. Adds the `\n` bytes passed to `s.newlines`.
 */
export function skipQuoted(buf: Buffer, i: number, end: number, c: CsvBytes, s: ScanState): number {
  const { quote, escape } = c;
  if (escape === quote) {
    let q = buf.indexOf(quote, i);
    if (q < 0 || q >= end) q = end;
    s.newlines += countNewlines(buf, i, q);
    if (q === end) return end;
    s.state = OUT;
    return q + 1;
  }
  let state = s.state;
  for (; i < end; i++) {
    const x = buf[i]!;
    if (state === IN_ESC) state = IN;
    else if (x === escape) state = IN_ESC;
    else if (x === quote) break;
    if (x === 0x0a) s.newlines++;
  }
  s.state = i < end ? OUT : state;
  return i < end ? i + 1 : end;
}

function countNewlines(buf: Buffer, a: number, b: number): number {
  let n = 0;
  for (let i = buf.indexOf(0x0a, a); i >= 0 && i < b; i = buf.indexOf(0x0a, i + 1)) n++;
  return n;
}

/**
 * The records of one split, one at a time (`next()`): the record is `buf[a, b)` (without its `\n`
 * and a trailing `\r`), `index` the position of its first line among the split's lines, `open`
 * whether it ran to the end of the input inside quotes. Empty records (blank lines) are skipped.
 * The buffer is reused by the next call. With `multiLine`, the split must start and end at record
 * boundaries (see alignCsvSplits); a record that crosses the reader's regions is copied whole.
 * Call `close()` when done.
 */
export class CsvRecords {
  buf: Buffer = Buffer.alloc(0);
  a = 0;
  b = 0;
  index = 0;
  open = false;
  private readonly regions: Generator<LineRegion>;
  private rbuf: Buffer = Buffer.alloc(0);
  private pos = 1;
  private end = 0;
  private lines = 0;
  private readonly scan: ScanState = { state: OUT, newlines: 0 };
  private carry: Buffer = Buffer.alloc(0);

  constructor(
    split: TextSplit,
    private readonly c: CsvBytes,
    private readonly multiLine: boolean,
  ) {
    this.regions = readLineBytes(split);
  }

  /** Closes the file (call it when stopping before the end: in a `finally`). */
  close(): void {
    this.regions.return(undefined);
  }

  next(): boolean {
    for (;;) {
      if (this.pos > this.end && !this.nextRegion()) return false;
      const start = this.pos;
      let e: number;
      if (this.multiLine) {
        this.scan.state = OUT;
        this.scan.newlines = 0;
        e = scanRecord(this.rbuf, start, this.end, this.c, this.scan);
        if (this.scan.state !== OUT) return this.longRecord(start);
      } else {
        e = this.rbuf.indexOf(0x0a, start);
        if (e < 0 || e > this.end) e = this.end;
      }
      this.pos = e + 1;
      this.index = this.lines;
      this.lines += 1 + this.scan.newlines;
      this.scan.newlines = 0;
      if (this.emit(this.rbuf, start, e)) return true;
    }
  }

  /** Sets the record to `buf[a, b)` without a trailing `\r`; false for an empty record. */
  private emit(buf: Buffer, a: number, b: number): boolean {
    if (b > a && buf[b - 1] === 0x0d) b--;
    this.buf = buf;
    this.a = a;
    this.b = b;
    this.open = false;
    return b > a;
  }

  private nextRegion(): boolean {
    const r = this.regions.next();
    if (r.done) return false;
    this.rbuf = r.value.buf;
    this.pos = r.value.start;
    this.end = r.value.end;
    return true;
  }

  /**
   * A record still inside quotes at the end of its region: the region ended at a `\n` (inside the
   * record) or at the end of the input. Collects regions until the record ends.
   */
  private longRecord(start: number): boolean {
    // Copied: the reader reuses its buffer for the next region.
    let parts: Buffer[] = [Buffer.from(this.rbuf.subarray(start, this.end))];
    this.index = this.lines;
    for (;;) {
      if (!this.nextRegion()) {
        this.pos = this.end + 1; // the input is used up
        this.lines += 1 + this.scan.newlines;
        this.carry = Buffer.concat(parts);
        this.emit(this.carry, 0, this.carry.length);
        this.open = true;
        return true;
      }
      // The `\n` between the regions is inside the record (the escaped byte, after an escape).
      this.scan.newlines++;
      if (this.scan.state === IN_ESC) this.scan.state = IN;
      parts.push(Buffer.of(0x0a));
      const e = scanRecord(this.rbuf, this.pos, this.end, this.c, this.scan);
      parts.push(this.rbuf.subarray(this.pos, e));
      if (this.scan.state === OUT) {
        this.pos = e + 1;
        this.lines += 1 + this.scan.newlines;
        this.scan.newlines = 0;
        this.carry = Buffer.concat(parts);
        parts = [];
        if (this.emit(this.carry, 0, this.carry.length)) return true;
        return this.next();
      }
      parts = [Buffer.concat(parts)];
    }
  }
}
