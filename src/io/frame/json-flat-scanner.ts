/**
 * A byte scanner for the common JSON line: one flat object whose values are strings without escape
 * sequences, numbers, true, false or null. It finds each key's value span in the line's bytes
 * without making a string or an object; anything else (escapes, nested values, a repeated key,
 * malformed text) makes it give up, and the caller reads the line with JSON.parse, which stays the
 * reference for what a line means. The scanner accepts only what JSON.parse accepts.
 */
import { parseFloatBytes, SLOW } from './text-columns.js';

/** What a value span holds. */
export const V_STRING = 1; // the bytes between the quotes (no escapes, no control bytes)
export const V_NUMBER = 2; // a JSON number, checked against the grammar; `num` holds its value
export const V_NULL = 3;
export const V_TRUE = 4;
export const V_FALSE = 5;

/** The wanted keys of a scan (UTF-8 bytes) and, after a successful scan, each key's value. */
export class FlatObjectScan {
  readonly kind: Uint8Array;
  readonly start: Int32Array;
  readonly end: Int32Array;
  readonly num: Float64Array;
  private readonly keys: Buffer[];
  /** Index of the key that followed key k on the last line (keys usually come in the same order). */
  private readonly nextGuess: Int32Array;

  constructor(names: readonly string[]) {
    this.keys = names.map((n) => Buffer.from(n, 'utf8'));
    const n = names.length;
    this.kind = new Uint8Array(n);
    this.start = new Int32Array(n);
    this.end = new Int32Array(n);
    this.num = new Float64Array(n);
    this.nextGuess = new Int32Array(n + 1).fill(-1);
  }

  /**
   * Scans the object in `buf[a, b)`. Returns true when it is a flat object this scanner reads: then
   * `kind[k]` is the value kind of wanted key k (0 when absent) with its span or number. Returns
   * false to ask for JSON.parse (which may find the line fine, or malformed).
   */
  scan(buf: Buffer, a: number, b: number): boolean {
    this.kind.fill(0);
    let i = skipWs(buf, a, b);
    if (buf[i] !== 0x7b) return false; // {
    i = skipWs(buf, i + 1, b);
    let prev = this.keys.length; // the guess slot of "before the first key"
    if (buf[i] === 0x7d) return skipWs(buf, i + 1, b) === b; // {}
    for (;;) {
      if (buf[i] !== 0x22) return false;
      const ks = i + 1;
      const ke = stringEnd(buf, ks, b);
      if (ke < 0) return false;
      const k = this.keyIndex(buf, ks, ke, prev);
      i = skipWs(buf, ke + 1, b);
      if (buf[i] !== 0x3a) return false; // :
      i = skipWs(buf, i + 1, b);
      if (k >= 0) {
        if (this.kind[k] !== 0) return false; // a repeated key: JSON.parse keeps the last
        prev = k;
      }
      const x = buf[i];
      let kind: number;
      let vs = i;
      let ve: number;
      if (x === 0x22) {
        vs = i + 1;
        ve = stringEnd(buf, vs, b);
        if (ve < 0) return false;
        i = ve + 1;
        kind = V_STRING;
      } else if (x === 0x2d || (x !== undefined && x >= 0x30 && x <= 0x39)) {
        ve = numberEnd(buf, i, b);
        if (ve < 0) return false;
        if (k >= 0) this.num[k] = numberValue(buf, i, ve);
        i = ve;
        kind = V_NUMBER;
      } else if (x === 0x6e && word(buf, i, b, NULL)) {
        ve = i += 4;
        kind = V_NULL;
      } else if (x === 0x74 && word(buf, i, b, TRUE)) {
        ve = i += 4;
        kind = V_TRUE;
      } else if (x === 0x66 && word(buf, i, b, FALSE)) {
        ve = i += 5;
        kind = V_FALSE;
      } else return false; // nested value, or not JSON
      if (k >= 0) {
        this.kind[k] = kind;
        this.start[k] = vs;
        this.end[k] = ve;
      }
      i = skipWs(buf, i, b);
      if (buf[i] === 0x2c) {
        i = skipWs(buf, i + 1, b);
        continue;
      }
      if (buf[i] !== 0x7d) return false;
      return skipWs(buf, i + 1, b) === b;
    }
  }

  /** The wanted key equal to `buf[a, b)`, or -1; tries the key that followed `prev` last time first. */
  private keyIndex(buf: Buffer, a: number, b: number, prev: number): number {
    const g = this.nextGuess[prev]!;
    if (g >= 0 && this.keyIs(g, buf, a, b)) return g;
    for (let k = 0; k < this.keys.length; k++) {
      if (k !== g && this.keyIs(k, buf, a, b)) {
        this.nextGuess[prev] = k;
        return k;
      }
    }
    return -1;
  }

  private keyIs(k: number, buf: Buffer, a: number, b: number): boolean {
    const key = this.keys[k]!;
    if (key.length !== b - a) return false;
    for (let j = 0; j < key.length; j++) if (key[j] !== buf[a + j]) return false;
    return true;
  }
}

const NULL = Buffer.from('null');
const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');

function word(buf: Buffer, i: number, b: number, w: Buffer): boolean {
  if (i + w.length > b) return false;
  for (let j = 0; j < w.length; j++) if (buf[i + j] !== w[j]) return false;
  return true;
}

/** JSON whitespace: space, tab, line feed, carriage return. */
function skipWs(buf: Buffer, i: number, b: number): number {
  while (i < b) {
    const x = buf[i]!;
    if (x !== 0x20 && x !== 0x09 && x !== 0x0d && x !== 0x0a) break;
    i++;
  }
  return i;
}

/** The index of the closing quote of a string starting at `i`, or -1 for escapes, control bytes or no end. */
function stringEnd(buf: Buffer, i: number, b: number): number {
  for (; i < b; i++) {
    const x = buf[i]!;
    if (x === 0x22) return i;
    if (x === 0x5c || x < 0x20) return -1;
  }
  return -1;
}

/** The end of a number starting at `i` by JSON's grammar (`-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`), or -1. */
function numberEnd(buf: Buffer, i: number, b: number): number {
  if (buf[i] === 0x2d) i++;
  if (i >= b) return -1;
  if (buf[i] === 0x30) i++;
  else if (isDigit(buf[i])) while (i < b && isDigit(buf[i])) i++;
  else return -1;
  if (buf[i] === 0x2e) {
    i++;
    if (!isDigit(buf[i])) return -1;
    while (i < b && isDigit(buf[i])) i++;
  }
  if (buf[i] === 0x65 || buf[i] === 0x45) {
    i++;
    if (buf[i] === 0x2b || buf[i] === 0x2d) i++;
    if (!isDigit(buf[i])) return -1;
    while (i < b && isDigit(buf[i])) i++;
  }
  return i;
}

function isDigit(x: number | undefined): boolean {
  return x !== undefined && x >= 0x30 && x <= 0x39;
}

/** The value of a valid JSON number in `buf[a, b)`: the double JSON.parse gives (plain decimals parsed from the bytes, others by Number()). */
function numberValue(buf: Buffer, a: number, b: number): number {
  const v = parseFloatBytes(buf, a, b);
  return v === SLOW ? Number(buf.toString('latin1', a, b)) : v;
}
