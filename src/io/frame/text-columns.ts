import { bitmapBytes } from '../../frame/batch/bitmap.js';
import { Utf8DictBuilder } from '../../frame/batch/utf8-dict-builder.js';
import { stringVector } from '../../frame/batch/utf8-dict.js';
import type { ColumnVector } from '../../frame/batch/vector.js';
import type { DataType } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';
import { BAD, textParser, type TextParser } from './value-parsers.js';

/**
 * Column builders fed with UTF-8 byte spans of a text input (the reader's buffer), for readers that
 * tokenize bytes. A value is first staged (`stage` parses it and reports whether it is a value of the
 * column's type) and then kept or dropped with the rest of its row (`commit` / a new `stage`), so a
 * malformed row leaves no trace. Numbers are parsed from the bytes without making strings; strings
 * go to a byte dictionary (Utf8DictBuilder); other types decode the span and use the text parsers,
 * which stay the reference for what a value means.
 */
export interface TextColumn {
  /** Parses `buf[a, b)`; false when it is not a value of the column's type. */
  stage(buf: Uint8Array, a: number, b: number): boolean;
  /** Stages a null. */
  stageNull(): void;
  /** Stages a value already in the column's units (a number of a numeric column; not for strings). */
  stageValue(v: number): void;
  /** Appends the staged value. */
  commit(): void;
  readonly length: number;
  /** The column so far; the builder starts over empty. */
  finish(): ColumnVector;
}

/** A builder for a column of `type`, or null for types text cannot hold (lists, null). */
export function textColumn(type: DataType, capacity: number): TextColumn | null {
  switch (type) {
    case 'int32':
      return new NumberColumn('int32', capacity, parseIntBytes, true);
    case 'int64':
      return new NumberColumn('int64', capacity, parseIntBytes, false);
    case 'float64':
      return new NumberColumn('float64', capacity, parseFloatBytes, false);
    case 'string':
      return new StringColumn(capacity);
    default: {
      const p = textParser(type);
      return p ? new ParsedColumn(type, capacity, p) : null;
    }
  }
}

/** Sentinel of the byte number parsers: not a plain number, ask the text parser. */
export const SLOW = Symbol('slow');

const POW10 = [1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22];

/** `[+-]?digits` of at most 15 digits, exactly; anything else (spaces, long numbers) goes the slow way. */
function parseIntBytes(buf: Uint8Array, a: number, b: number): number | typeof SLOW {
  let i = a;
  let neg = false;
  if (i < b && (buf[i] === 0x2d || buf[i] === 0x2b)) neg = buf[i++] === 0x2d;
  if (i === b || b - i > 15) return SLOW;
  let v = 0;
  for (; i < b; i++) {
    const d = buf[i]! - 0x30;
    if (d < 0 || d > 9) return SLOW;
    v = v * 10 + d;
  }
  return neg ? -v : v;
}

/**
 * `[+-]?digits[.digits]` with at most 15 significant digits: the digits as an integer m (exact) over
 * 10^k (exact for k <= 22) is one correctly rounded division, the same double that Number() gives.
 * Exponents, long mantissas, spaces and words go the slow way.
 */
export function parseFloatBytes(buf: Uint8Array, a: number, b: number): number | typeof SLOW {
  let i = a;
  let neg = false;
  if (i < b && (buf[i] === 0x2d || buf[i] === 0x2b)) neg = buf[i++] === 0x2d;
  let m = 0;
  let digits = 0;
  let frac = -1;
  for (; i < b; i++) {
    const x = buf[i]!;
    if (x === 0x2e) {
      if (frac >= 0) return SLOW;
      frac = 0;
      continue;
    }
    const d = x - 0x30;
    if (d < 0 || d > 9) return SLOW;
    m = m * 10 + d;
    digits++;
    if (frac >= 0) frac++;
  }
  if (digits === 0 || digits > 15 || frac > 22) return SLOW;
  const v = frac > 0 ? m / POW10[frac]! : m;
  return neg ? -v : v;
}

/** Row count, validity bitmap (made at the first null) and the staged null flag shared by the builders. */
abstract class Rows {
  protected validity: Uint8Array | null = null;
  protected nulls = 0;
  protected n = 0;
  protected stagedNull = false;

  constructor(protected cap: number) {}

  get length(): number {
    return this.n;
  }

  stageNull(): void {
    this.stagedNull = true;
  }

  /** Records row n as valid or null (as staged) and counts it; `grow` has made room. */
  protected commitRow(): void {
    const i = this.n;
    if (this.stagedNull) {
      if (!this.validity) {
        this.validity = new Uint8Array(bitmapBytes(this.cap)).fill(0xff, 0, i >> 3);
        for (let j = i & ~7; j < i; j++) this.validity[j >> 3]! |= 1 << (j & 7);
      }
      this.nulls++;
    } else if (this.validity) this.validity[i >> 3]! |= 1 << (i & 7);
    this.n = i + 1;
  }

  /** Whether row n fits; if not, the caller grows its values to `this.cap` after this grew the bitmap. */
  protected full(): boolean {
    if (this.n < this.cap) return false;
    this.cap *= 2;
    if (this.validity) {
      const v = new Uint8Array(bitmapBytes(this.cap));
      v.set(this.validity);
      this.validity = v;
    }
    return true;
  }

  protected takeRows(): { length: number; validity: Uint8Array | null; nullCount: number } {
    const r = { length: this.n, validity: this.validity ? this.validity.slice(0, bitmapBytes(this.n)) : null, nullCount: this.nulls };
    this.validity = null;
    this.nulls = 0;
    this.n = 0;
    return r;
  }
}

type Values = Uint8Array | Int32Array | Float64Array;

/** Rows whose staged value is one number (a value, a dictionary code, a day...) kept in a typed array. */
abstract class StagedColumn extends Rows {
  protected staged = 0;

  constructor(
    cap: number,
    protected values: Values,
  ) {
    super(cap);
  }

  stageValue(v: number): void {
    this.stagedNull = false;
    this.staged = v;
  }

  commit(): void {
    if (this.full()) this.values = grow(this.values, this.cap);
    this.values[this.n] = this.stagedNull ? 0 : this.staged;
    this.commitRow();
  }

  /** The values so far; the column starts over with a fresh array of the same kind. */
  protected takeValues(): Values {
    const values = this.values.slice(0, this.n);
    this.values = new (this.values.constructor as new (n: number) => Values)(this.cap);
    return values;
  }
}

type BytesToNumber = (buf: Uint8Array, a: number, b: number) => number | typeof SLOW;

class NumberColumn extends StagedColumn implements TextColumn {
  private readonly slow: TextParser;

  constructor(
    private readonly type: 'int32' | 'int64' | 'float64',
    cap: number,
    private readonly fast: BytesToNumber,
    private readonly int32: boolean,
  ) {
    super(cap, int32 ? new Int32Array(cap) : new Float64Array(cap));
    this.slow = textParser(type)!;
  }

  stage(buf: Uint8Array, a: number, b: number): boolean {
    this.stagedNull = false;
    let v = this.fast(buf, a, b);
    if (v === SLOW) {
      const p = this.slow(decode(buf, a, b));
      if (p === BAD) return false;
      v = p as number;
    } else if (this.int32 && (v < -2147483648 || v > 2147483647)) return false;
    this.staged = v;
    return true;
  }

  finish(): ColumnVector {
    return { type: this.type, values: this.takeValues(), ...this.takeRows() };
  }
}

/** Strings as codes into a byte dictionary. */
class StringColumn extends StagedColumn implements TextColumn {
  private dict = new Utf8DictBuilder();

  constructor(cap: number) {
    super(cap, new Int32Array(cap));
  }

  stage(buf: Uint8Array, a: number, b: number): boolean {
    this.stagedNull = false;
    this.staged = this.dict.code(buf, a, b);
    return true;
  }

  finish(): ColumnVector {
    const codes = this.takeValues() as Int32Array;
    const dict = this.dict.finish();
    this.dict = new Utf8DictBuilder();
    const r = this.takeRows();
    return stringVector(r.length, codes, dict, r.validity, r.nullCount);
  }
}

/** bool, date and timestamp: the span is decoded and handed to the type's text parser. */
class ParsedColumn extends StagedColumn implements TextColumn {
  constructor(
    private readonly type: DataType,
    cap: number,
    private readonly parse: TextParser,
  ) {
    super(cap, alloc(type, cap));
  }

  stage(buf: Uint8Array, a: number, b: number): boolean {
    this.stagedNull = false;
    const v = this.parse(decode(buf, a, b));
    if (v === BAD) return false;
    this.staged = typeof v === 'boolean' ? (v ? 1 : 0) : (v as number);
    return true;
  }

  finish(): ColumnVector {
    return { type: this.type, values: this.takeValues(), ...this.takeRows() };
  }
}

function alloc(t: DataType, n: number): Values {
  if (t === 'bool') return new Uint8Array(n);
  if (t === 'date') return new Int32Array(n);
  if (t === 'timestamp') return new Float64Array(n);
  throw new SluiceError(`no text column of type ${JSON.stringify(t)}`);
}

function grow<A extends Values>(a: A, cap: number): A {
  const g = new (a.constructor as new (n: number) => A)(cap);
  g.set(a as never);
  return g;
}

function decode(buf: Uint8Array, a: number, b: number): string {
  return Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString('utf8', a, b);
}
