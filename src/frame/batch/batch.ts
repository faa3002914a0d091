import type { DataType, Schema } from '../types.js';
import { sameType, typeName } from '../types.js';
import { SluiceError } from '../../util/errors.js';
import type { ColumnBatch, ColumnVector } from './vector.js';
import { bitmapBytes, copyBits, countNulls, sliceBitmap } from './bitmap.js';
import { compactDict } from './compact-dict.js';
import { DictMerger, MERGE_PROBE } from './dict-merger.js';
import { dictHandle, dictSize, stringVector, Utf8Dict, type DictHandle } from './utf8-dict.js';

/**
 * A batch of `columns` under `schema`. Checks that there is one column per field,
 * that each column has its field's type (use nullVector for an all-null column
 * of a typed field) and that all columns have `numRows` rows. A batch without
 * columns (`count(*)` over a projection of nothing) has rows all the same, so it
 * must be given `numRows`: operators pass their input's count on.
 */
export function makeBatch(schema: Schema, columns: readonly ColumnVector[], numRows?: number): ColumnBatch {
  const fields = schema.fields;
  if (columns.length !== fields.length) {
    throw new SluiceError(`batch has ${columns.length} column(s) but its schema has ${fields.length} field(s): ${fields.map((f) => f.name).join(', ')}`);
  }
  if (numRows === undefined && columns.length === 0) throw new SluiceError('internal: a batch without columns needs its row count');
  const n = numRows ?? columns[0]!.length;
  if (!(Number.isInteger(n) && n >= 0)) throw new SluiceError(`batch row count must be a non-negative integer, got ${n}`);
  for (let c = 0; c < columns.length; c++) {
    const v = columns[c]!;
    const f = fields[c]!;
    if (v.length !== n) throw new SluiceError(`column '${f.name}' has ${v.length} rows but ${numRows === undefined ? `column '${fields[0]!.name}'` : 'the batch'} has ${n}`);
    if (!sameType(v.type, f.type)) {
      throw new SluiceError(`column '${f.name}' holds ${typeName(v.type)} values but its field is ${typeName(f.type)}`);
    }
  }
  return { schema, columns, numRows: n };
}

/** A batch of zero rows under `schema`. */
export function emptyBatch(schema: Schema): ColumnBatch {
  return { schema, columns: schema.fields.map((f) => nullVector(f.type, 0)), numRows: 0 };
}

/** A vector of `n` rows of `type` in which every row is null (outer-join padding, missing columns). */
export function nullVector(type: DataType, n: number): ColumnVector {
  const validity = new Uint8Array(bitmapBytes(n));
  if (typeof type === 'object') return { type, length: n, objects: new Array<null>(n).fill(null), validity, nullCount: n };
  if (type === 'null') return { type, length: n, validity, nullCount: n };
  const values = allocLike(type, n);
  return { type, length: n, values, dict: type === 'string' ? [] : undefined, validity, nullCount: n };
}

/**
 * Row `indices[k]` of `v` for each k; an index of -1 gives a null row (outer joins).
 * String vectors keep their dictionary (codes are copied, not re-encoded).
 * Indices must be -1 or within [0, v.length).
 */
export function takeVector(v: ColumnVector, indices: Int32Array): ColumnVector {
  const n = indices.length;
  const src = v.validity;
  let validity: Uint8Array | null = null;
  let nulls = 0;
  if (src !== null || hasNegative(indices)) {
    validity = new Uint8Array(bitmapBytes(n));
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      if (i >= 0 && (src === null || ((src[i >> 3]! >> (i & 7)) & 1) === 1)) validity[k >> 3]! |= 1 << (k & 7);
      else nulls++;
    }
    if (nulls === 0) validity = null;
  }
  const t = v.type;
  if (t === 'null') return { type: t, length: n, validity: new Uint8Array(bitmapBytes(n)), nullCount: n };
  if (typeof t === 'object') {
    const objs = v.objects!;
    const out = new Array<unknown[] | null>(n);
    for (let k = 0; k < n; k++) {
      const i = indices[k]!;
      out[k] = i < 0 ? null : objs[i]!;
    }
    return { type: t, length: n, objects: out, validity, nullCount: nulls };
  }
  const vals = v.values!;
  const out = allocLike(t, n);
  for (let k = 0; k < n; k++) {
    const i = indices[k]!;
    out[k] = i < 0 ? 0 : vals[i]!;
  }
  if (t === 'string') return stringVector(n, out as Int32Array, dictHandle(v), validity, nulls);
  return { type: t, length: n, values: out, validity, nullCount: nulls };
}

/** The rows `indices` of every column of `batch` (see takeVector); the batch itself when the indices are 0, 1, … of all its rows. */
export function takeRows(batch: ColumnBatch, indices: Int32Array): ColumnBatch {
  if (isIdentity(indices, batch.numRows)) return batch;
  return { schema: batch.schema, columns: batch.columns.map((c) => takeVector(c, indices)), numRows: indices.length };
}

/** Whether `indices` are 0, 1, …, n - 1: taking them changes nothing (a join where every probe row matches once). */
export function isIdentity(indices: Int32Array, n: number): boolean {
  if (indices.length !== n) return false;
  for (let k = 0; k < n; k++) if (indices[k] !== k) return false;
  return true;
}

/** Rows [start, end) of `v`. Values are shared with `v` (vectors are immutable); the bitmap is shared when start is a multiple of 8. */
export function sliceVector(v: ColumnVector, start: number, end: number): ColumnVector {
  const n = Math.max(0, end - start);
  const src = v.validity;
  const nullCount = src === null ? 0 : v.nullCount === v.length ? n : countNulls(src, n, start);
  const validity = src === null || nullCount === 0 ? null : sliceBitmap(src, start, n, true);
  const t = v.type;
  if (t === 'null') return { type: t, length: n, validity: new Uint8Array(bitmapBytes(n)), nullCount: n };
  if (typeof t === 'object') return { type: t, length: n, objects: v.objects!.slice(start, start + n), validity, nullCount };
  if (t === 'string') return stringVector(n, (v.values as Int32Array).subarray(start, start + n), dictHandle(v), validity, nullCount);
  return { type: t, length: n, values: v.values!.subarray(start, start + n), validity, nullCount };
}

/** Rows [start, end) of `batch` (clamped to the batch), sharing its buffers where possible. */
export function sliceBatch(batch: ColumnBatch, start: number, end: number): ColumnBatch {
  const s = Math.max(0, Math.min(start, batch.numRows));
  const e = Math.max(s, Math.min(end, batch.numRows));
  if (s === 0 && e === batch.numRows) return batch;
  return { schema: batch.schema, columns: batch.columns.map((c) => sliceVector(c, s, e)), numRows: e - s };
}

/** The columns at `indices` (in that order; an index may repeat), with their fields. */
export function selectColumns(batch: ColumnBatch, indices: readonly number[]): ColumnBatch {
  const fields = batch.schema.fields;
  for (const i of indices) {
    if (!(i >= 0 && i < fields.length)) throw new SluiceError(`column index ${i} is out of range: the batch has ${fields.length} column(s)`);
  }
  return {
    schema: { fields: indices.map((i) => fields[i]!) },
    columns: indices.map((i) => batch.columns[i]!),
    numRows: batch.numRows,
  };
}

/** `schema` with its fields renamed to `names` (one name per field). */
export function renameSchema(schema: Schema, names: readonly string[]): Schema {
  if (names.length !== schema.fields.length) {
    throw new SluiceError(`cannot rename ${schema.fields.length} field(s) with ${names.length} name(s): ${names.join(', ')}`);
  }
  return { fields: schema.fields.map((f, i) => ({ ...f, name: names[i]! })) };
}

/** `batch` with its columns renamed to `names` (the data is shared). */
export function renameColumns(batch: ColumnBatch, names: readonly string[]): ColumnBatch {
  return { schema: renameSchema(batch.schema, names), columns: batch.columns, numRows: batch.numRows };
}

/**
 * The rows of `parts`, in order, as one vector of `type`. Parts of type `null` (all
 * null) fit any type. String dictionaries: when every part shares one it is
 * kept, otherwise codes are remapped into one combined dictionary (merged while
 * that pays, see DictMerger, so it may repeat entries).
 */
export function concatVectors(type: DataType, parts: readonly ColumnVector[], column = '?'): ColumnVector {
  if (parts.length === 1 && sameType(parts[0]!.type, type)) return parts[0]!;
  let n = 0;
  let nulls = 0;
  for (const p of parts) {
    if (p.type !== 'null' && !sameType(p.type, type)) {
      throw new SluiceError(`cannot concatenate column '${column}': a batch holds ${typeName(p.type)} values where ${typeName(type)} is expected`);
    }
    n += p.length;
    nulls += p.type === 'null' ? p.length : p.nullCount;
  }
  if (type === 'null') return nullVector(type, n);
  let validity: Uint8Array | null = null;
  if (nulls > 0) {
    validity = new Uint8Array(bitmapBytes(n));
    let off = 0;
    for (const p of parts) {
      if (p.type !== 'null') copyBits(validity, off, p.validity, 0, p.length);
      off += p.length;
    }
  }
  if (typeof type === 'object') {
    const objects: (unknown[] | null)[] = [];
    for (const p of parts) {
      if (p.type === 'null') for (let i = 0; i < p.length; i++) objects.push(null);
      else for (const o of p.objects!) objects.push(o);
    }
    return { type, length: n, objects, validity, nullCount: nulls };
  }
  const values = allocLike(type, n);
  if (type === 'string') return concatStrings(parts, values as Int32Array, validity, nulls);
  let off = 0;
  for (const p of parts) {
    if (p.type !== 'null') values.set(p.values! as never, off);
    off += p.length;
  }
  return { type, length: n, values, validity, nullCount: nulls };
}

/** Concatenates the columns of `batches` (all under `schema`) into one batch. */
export function concatBatches(schema: Schema, batches: readonly ColumnBatch[]): ColumnBatch {
  if (batches.length === 1) return batches[0]!;
  const fields = schema.fields;
  const columns = fields.map((f, c) => concatVectors(f.type, batches.map((b) => b.columns[c]!), f.name));
  let n = 0;
  for (const b of batches) {
    if (b.columns.length !== fields.length) throw new SluiceError(`cannot concatenate a batch of ${b.columns.length} column(s) under a schema of ${fields.length}`);
    n += b.numRows;
  }
  return { schema, columns, numRows: n };
}

function concatStrings(parts: readonly ColumnVector[], codes: Int32Array, validity: Uint8Array | null, nulls: number): ColumnVector {
  const shared = new Set(parts.filter((p) => p.type !== 'null').map(dictHandle));
  if (shared.size <= 1) {
    let off = 0;
    for (const p of parts) {
      if (p.type !== 'null') codes.set(p.values as Int32Array, off);
      off += p.length;
    }
    return stringVector(codes.length, codes, [...shared][0] ?? [], validity, nulls);
  }
  // Slices of a much larger dictionary bring only the entries they use. Rows are counted per
  // dictionary: the batches of one shuffle stream share theirs, and together use all of it.
  const rowsOf = new Map<DictHandle, number>();
  for (const p of parts) if (p.type !== 'null') rowsOf.set(dictHandle(p), (rowsOf.get(dictHandle(p)) ?? 0) + p.length);
  const typed = parts.filter((p) => p.type !== 'null').map((p) => (dictSize(p) > 2 * rowsOf.get(dictHandle(p))! + 64 ? compactDict(p) : p));
  const handles = [...new Set(typed.map(dictHandle))];
  const appended = appendUtf8Dicts(handles, codes.length);
  const merger = appended ? null : new DictMerger();
  // Per dictionary: its codes' new codes (merged), or the offset of its entries (appended).
  const remaps = new Map<DictHandle, Int32Array | number>();
  if (appended) {
    let base = 0;
    for (const h of handles) {
      remaps.set(h, base);
      base += (h as Utf8Dict).length;
    }
  }
  let off = 0;
  let t = 0;
  for (const part of parts) {
    if (part.type !== 'null') {
      const p = typed[t++]!;
      const h = dictHandle(p);
      let remap = remaps.get(h);
      if (remap === undefined) remaps.set(h, (remap = merger!.add(p.dict!)));
      const src = p.values as Int32Array;
      if (typeof remap === 'number') for (let i = 0; i < p.length; i++) codes[off + i] = remap + src[i]!;
      else for (let i = 0; i < p.length; i++) codes[off + i] = remap[src[i]!]!;
    }
    off += part.length;
  }
  return stringVector(codes.length, codes, appended ?? merger!.result(), validity, nulls);
}

/**
 * The dictionaries appended byte for byte, when all are still UTF-8 and merging
 * them would not pay (as DictMerger judges it: more entries than MERGE_PROBE,
 * at least one per two rows); else null.
 */
function appendUtf8Dicts(handles: readonly DictHandle[], rows: number): Utf8Dict | null {
  let entries = 0;
  for (const h of handles) {
    if (!(h instanceof Utf8Dict)) return null;
    entries += h.length;
  }
  return entries >= MERGE_PROBE && entries * 2 > rows ? Utf8Dict.concat(handles as Utf8Dict[]) : null;
}

/** A zeroed values array of the layout of scalar type `t` (see ../types.ts). */
export function allocLike(t: DataType, n: number): Uint8Array | Int32Array | Float64Array {
  if (t === 'bool') return new Uint8Array(n);
  if (t === 'int32' || t === 'date' || t === 'string') return new Int32Array(n);
  if (t === 'int64' || t === 'float64' || t === 'timestamp') return new Float64Array(n);
  throw new SluiceError(`type ${typeName(t)} has no values array`);
}

function hasNegative(indices: Int32Array): boolean {
  for (let k = 0; k < indices.length; k++) if (indices[k]! < 0) return true;
  return false;
}
