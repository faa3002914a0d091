import type { CsvOptions } from './frame-options.js';

/** How a field was written: bare, quoted, or quoted with escape sequences (its bytes need unescaping). */
export const BARE = 0;
export const QUOTED = 1;
export const ESCAPED = 2;

/** Byte-level settings of the tokenizer; only single-byte ASCII delimiter, quote and escape qualify. */
export interface CsvBytes {
  delim: number;
  quote: number;
  escape: number;
}

/** The byte settings of `o`, or null when the tokenizer cannot handle them (the csv-parse path then reads). */
export function csvBytes(o: CsvOptions): CsvBytes | null {
  const escape = o.escape ?? o.quote;
  const one = (s: string): number => (s.length === 1 && s.charCodeAt(0) < 0x80 ? s.charCodeAt(0) : -1);
  const delim = one(o.delimiter);
  const quote = one(o.quote);
  const esc = one(escape);
  if (delim < 0 || quote < 0 || esc < 0 || delim === quote || delim === 0x0a || quote === 0x0a) return null;
  return { delim, quote, escape: esc };
}

/**
 * The fields of one line, as byte spans of the input: field k is `[start[k], end[k])`, quotes
 * excluded, with its kind (BARE, QUOTED, ESCAPED). Reused from line to line.
 */
export class FieldSpans {
  start = new Int32Array(64);
  end = new Int32Array(64);
  kind = new Uint8Array(64);

  grow(): void {
    const n = this.start.length * 2;
    const s = new Int32Array(n);
    s.set(this.start);
    this.start = s;
    const e = new Int32Array(n);
    e.set(this.end);
    this.end = e;
    const k = new Uint8Array(n);
    k.set(this.kind);
    this.kind = k;
  }
}

/**
 * Splits the line `buf[a, b)` (no `\n`, no trailing `\r`) into fields, with csv-parse's rules as
 * this reader configures it: a field that starts with the quote is quoted and ends at a quote followed
 * by the delimiter or the end of the line; inside it the escape (the quote itself by default, so `""`)
 * makes the next byte literal; a quote anywhere else, or a quote that never closes, makes the line
 * malformed. Returns the number of fields, or -1 for a malformed line.
 */
export function tokenizeLine(buf: Uint8Array, a: number, b: number, c: CsvBytes, out: FieldSpans): number {
  const { delim, quote, escape } = c;
  let k = 0;
  let i = a;
  for (;;) {
    if (k === out.start.length) out.grow();
    if (i < b && buf[i] === quote) {
      let kind = QUOTED;
      const s = ++i;
      for (;;) {
        if (i >= b) return -1;
        const x = buf[i]!;
        if (x === escape && i + 1 < b && (escape !== quote || buf[i + 1] === quote)) {
          kind = ESCAPED;
          i += 2;
          continue;
        }
        if (x === quote) break;
        i++;
      }
      out.start[k] = s;
      out.end[k] = i;
      out.kind[k++] = kind;
      i++; // the closing quote
      if (i === b) return k;
      if (buf[i] !== delim) return -1;
      i++;
      continue;
    }
    const s = i;
    while (i < b) {
      const x = buf[i]!;
      if (x === delim) break;
      if (x === quote) return -1;
      i++;
    }
    out.start[k] = s;
    out.end[k] = i;
    out.kind[k++] = BARE;
    if (i === b) return k;
    i++; // the delimiter
  }
}

/**
 * The bytes of an ESCAPED field with its escapes removed, written to `scratch` from 0; returns
 * their length. `scratch` must hold at least `b - a` bytes.
 */
export function unescapeField(buf: Uint8Array, a: number, b: number, c: CsvBytes, scratch: Uint8Array): number {
  let n = 0;
  for (let i = a; i < b; i++) {
    const x = buf[i]!;
    if (x === c.escape && i + 1 < b && (c.escape !== c.quote || buf[i + 1] === c.quote)) i++;
    scratch[n++] = buf[i]!;
  }
  return n;
}
