import * as zlib from 'node:zlib';
import * as arrow from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';
import type { Compressors, DecodedArray, SchemaElement } from 'hyparquet';
import type { ColumnDecoder } from 'hyparquet/src/types.js';
import { parquetHeader } from 'hyparquet/src/column.js';
import { decompressPage, readDataPage, readDataPageV2 } from 'hyparquet/src/datapage.js';
import { readRleBitPackedHybrid } from 'hyparquet/src/encoding.js';
import { readPlain } from 'hyparquet/src/plain.js';
import { bitmapBytes } from '../../frame/batch/bitmap.js';
import { Utf8DictBuilder } from '../../frame/batch/utf8-dict-builder.js';
import { stringVector, Utf8Dict } from '../../frame/batch/utf8-dict.js';
import type { ColumnVector } from '../../frame/batch/vector.js';
import type { DataType } from '../../frame/types.js';
import { snappyPage } from './parquet-snappy.js';
import type { StringCoding } from './parquet-strings.js';

/** Codecs: Snappy in WebAssembly (parquet-snappy.ts; hyparquet's own is JavaScript), Node's zlib, and fzstd for Zstandard (Polars' default). */
export const PARQUET_COMPRESSORS: Compressors = {
  SNAPPY: snappyPage,
  ZSTD: (input: Uint8Array, outputLength: number) => zstdDecompress(input, new Uint8Array(outputLength)),
  GZIP: (input: Uint8Array) => new Uint8Array(zlib.gunzipSync(input)),
  BROTLI: (input: Uint8Array) => new Uint8Array(zlib.brotliDecompressSync(input)),
};

/**
 * Whether a flat column chunk can be decoded page by page into typed arrays and byte dictionaries:
 * strings (any BYTE_ARRAY), plain 32-bit and 64-bit signed integers and floating point numbers.
 * Other columns (dates, timestamps, decimals, booleans, unsigned) go through hyparquet's values.
 */
export function fastParquetColumn(type: DataType, el: SchemaElement): boolean {
  const ct = el.converted_type;
  const lt = el.logical_type?.type;
  if (el.repetition_type === 'REPEATED') return false;
  switch (type) {
    case 'string':
      return el.type === 'BYTE_ARRAY';
    case 'int32':
      return el.type === 'INT32' && (ct === undefined || ct === 'INT_8' || ct === 'INT_16' || ct === 'INT_32') && (lt === undefined || lt === 'INTEGER');
    case 'int64':
      return el.type === 'INT64' && (ct === undefined || ct === 'INT_64') && (lt === undefined || lt === 'INTEGER');
    case 'float64':
      return (el.type === 'DOUBLE' || el.type === 'FLOAT') && ct === undefined && lt === undefined;
    default:
      return false;
  }
}

/** One data page: its values (dictionary indices or plain values) and which of its rows are null. */
interface Page {
  /** The chunk's dictionary page: strings as one Utf8Dict, other types as hyparquet decodes them. */
  dictionary: DecodedArray | Utf8Dict | undefined;
  indices: boolean;
  values: DecodedArray;
  /** PLAIN strings of a version-1 page, still as its bytes (each value a 4-byte length, then its bytes); `values` is then empty. */
  plain: Uint8Array | null;
  /** Definition levels (null or empty when the page has no nulls). */
  defs: ArrayLike<number> | null;
  rows: number;
}

/**
 * Decodes one flat column chunk (`bytes`, starting at its first page) of `rows` rows into a vector of
 * `type` (see fastParquetColumn). Dictionary-encoded strings keep their codes and become one string
 * vector over the chunk's dictionary bytes (no JS string per row); numbers land in typed arrays.
 * Other string chunks code their values into `strings` when given (a partition's shared
 * dictionary, see PartitionStrings), else into a dictionary of their own.
 */
export function decodeFlatChunk(bytes: Uint8Array, rows: number, type: DataType, decoder: ColumnDecoder, strings?: StringCoding): ColumnVector {
  const pages = readPages(bytes, rows, decoder);
  const maxDef = decoder.schemaPath.length > 1 && decoder.element.repetition_type !== 'REQUIRED' ? 1 : 0;
  // Without levels on any page and pages covering the rows, every row is present.
  const covered = pages.reduce((n, p) => n + p.rows, 0);
  const validity = maxDef && (covered < rows || pages.some((p) => p.defs && p.defs.length > 0)) ? validityOf(pages, rows) : null;
  const nullCount = validity ? rows - countValid(pages, rows) : 0;
  if (type === 'string') return stringChunk(pages, rows, validity, nullCount, strings ?? { builder: new Utf8DictBuilder(), dict: null });
  const out = type === 'int32' ? new Int32Array(rows) : new Float64Array(rows);
  let r = 0;
  for (const p of pages) {
    const src = p.values;
    const dict = p.dictionary as DecodedArray | undefined;
    const n = Math.min(p.rows, rows - r);
    const dense = !p.defs || p.defs.length === 0;
    if (dense && p.indices && (dict instanceof Int32Array || dict instanceof Float64Array || dict instanceof Float32Array) && src instanceof Int32Array) {
      // The common case (every row present, dictionary-encoded): one typed gather.
      for (let i = 0; i < n; i++) out[r + i] = dict[src[i]!]!;
      r += n;
      continue;
    }
    if (dense && !p.indices && (src instanceof Int32Array || src instanceof Float64Array) && (src instanceof Int32Array) === (out instanceof Int32Array)) {
      out.set(src.subarray(0, n), r);
      r += n;
      continue;
    }
    let k = 0;
    for (let i = 0; i < p.rows && r < rows; i++, r++) {
      if (p.defs && p.defs.length > 0 && p.defs[i] !== 1) continue;
      const v = p.indices ? dict![src[k++] as number] : src[k++];
      out[r] = typeof v === 'bigint' ? Number(v) : (v as number);
    }
  }
  return { type, length: rows, values: out, validity, nullCount };
}

function readPages(bytes: Uint8Array, rows: number, decoder: ColumnDecoder): Page[] {
  const reader = { view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 };
  const pages: Page[] = [];
  let dictionary: DecodedArray | Utf8Dict | undefined;
  let seen = 0;
  while (seen < rows && reader.offset < bytes.byteLength - 1) {
    const header = parquetHeader(reader);
    const body = bytes.subarray(reader.offset, reader.offset + header.compressed_page_size);
    reader.offset += header.compressed_page_size;
    if (header.type === 'DICTIONARY_PAGE') {
      const page = decompressPage(body, Number(header.uncompressed_page_size), decoder.codec, decoder.compressors);
      const r = { view: new DataView(page.buffer, page.byteOffset, page.byteLength), offset: 0 };
      const count = header.dictionary_page_header!.num_values;
      if (decoder.type === 'BYTE_ARRAY') dictionary = plainUtf8(page, count);
      else dictionary = readPlain(r, decoder.type, count, decoder.element.type_length);
      if (dictionary instanceof BigInt64Array) dictionary = Float64Array.from(dictionary, Number);
      continue;
    }
    let encoding: string;
    let n: number;
    let page;
    if (header.type === 'DATA_PAGE') {
      const daph = header.data_page_header!;
      encoding = daph.encoding;
      n = daph.num_values;
      const bytes = decompressPage(body, Number(header.uncompressed_page_size), decoder.codec, decoder.compressors);
      page = OWN_ENCODINGS.has(encoding) ? readV1Page(bytes, n, encoding, decoder) : readDataPage(bytes, daph, decoder);
    } else if (header.type === 'DATA_PAGE_V2') {
      const daph2 = header.data_page_header_v2!;
      encoding = daph2.encoding;
      n = daph2.num_values;
      page = readDataPageV2(body, header, decoder);
    } else continue; // index pages
    const indices = encoding === 'PLAIN_DICTIONARY' || encoding === 'RLE_DICTIONARY';
    if (indices && !dictionary) throw new Error('a dictionary-encoded page comes before any dictionary page');
    pages.push({ dictionary, indices, values: page.dataPage, plain: 'plain' in page ? page.plain : null, defs: page.definitionLevels as ArrayLike<number> | null, rows: n });
    seen += n;
  }
  return pages;
}

const OWN_ENCODINGS = new Set(['PLAIN', 'PLAIN_DICTIONARY', 'RLE_DICTIONARY']);
const NO_VALUES: DecodedArray = new Int32Array(0);

/**
 * A version-1 data page of a flat column, PLAIN or dictionary-encoded, decoded into typed arrays
 * (hyparquet's readDataPage builds JS arrays of levels and indices, the bulk of the time).
 */
function readV1Page(page: Uint8Array, n: number, encoding: string, decoder: ColumnDecoder): { dataPage: DecodedArray; plain: Uint8Array | null; definitionLevels: Uint8Array | null } {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const reader = { view, offset: 0 };
  let defs: Uint8Array | null = null;
  let present = n;
  if (decoder.element.repetition_type !== 'REQUIRED' && allPresent(view, n)) {
    // One run of "present" covering the page (a nullable column without nulls): skip the levels.
    reader.offset = 4 + view.getUint32(0, true);
  } else if (decoder.element.repetition_type !== 'REQUIRED') {
    defs = new Uint8Array(n);
    readRleBitPackedHybrid(reader, 1, defs);
    present = 0;
    for (let i = 0; i < n; i++) present += defs[i]!;
    if (present === n) defs = null;
  }
  if (encoding !== 'PLAIN') {
    const width = view.getUint8(reader.offset++);
    const idx = new Int32Array(present);
    if (width) readRleBitPackedHybrid(reader, width, idx, page.byteLength - reader.offset);
    return { dataPage: idx, plain: null, definitionLevels: defs };
  }
  // Strings stay bytes: stringChunk codes them from the page (no object per value).
  if (decoder.type === 'BYTE_ARRAY') return { dataPage: NO_VALUES, plain: page.subarray(reader.offset), definitionLevels: defs };
  if (decoder.type === 'INT64') {
    // Two 32-bit halves make the same double as Number(bigint) (one rounding), without BigInts.
    const out = new Float64Array(present);
    for (let i = 0, o = reader.offset; i < present; i++, o += 8) out[i] = view.getInt32(o + 4, true) * 4294967296 + view.getUint32(o, true);
    return { dataPage: out, plain: null, definitionLevels: defs };
  }
  return { dataPage: readPlain(reader, decoder.type, present, decoder.element.type_length), plain: null, definitionLevels: defs };
}

/**
 * Whether the definition levels a version-1 page starts with (4-byte length, then an RLE/bit-packed
 * hybrid of width 1) are one RLE run of 1s covering all `n` values.
 */
function allPresent(view: DataView, n: number): boolean {
  if (view.byteLength < 6) return false;
  const len = view.getUint32(0, true);
  let header = 0;
  let at = 4;
  for (let shift = 0; at < 4 + len && shift < 35; shift += 7) {
    const b = view.getUint8(at++);
    header += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  return header % 2 === 0 && header / 2 >= n && at < 4 + len && at < view.byteLength && view.getUint8(at) === 1;
}

function validityOf(pages: Page[], rows: number): Uint8Array | null {
  const v = new Uint8Array(bitmapBytes(rows));
  let r = 0;
  let nulls = false;
  for (const p of pages) {
    for (let i = 0; i < p.rows && r < rows; i++, r++) {
      if (!p.defs || p.defs.length === 0 || p.defs[i] === 1) v[r >> 3]! |= 1 << (r & 7);
      else nulls = true;
    }
  }
  return nulls || r < rows ? v : null;
}

function countValid(pages: Page[], rows: number): number {
  let n = 0;
  let r = 0;
  for (const p of pages) {
    for (let i = 0; i < p.rows && r < rows; i++, r++) if (!p.defs || p.defs.length === 0 || p.defs[i] === 1) n++;
  }
  return n;
}

/**
 * Strings: when every page indexes the one dictionary, the indices are the codes and the dictionary
 * bytes become a Utf8Dict. Pages written PLAIN (writers fall back to it when a dictionary grows too
 * large) put the whole chunk through `coding`'s byte dictionary builder instead.
 */
function stringChunk(pages: Page[], rows: number, validity: Uint8Array | null, nullCount: number, coding: StringCoding): ColumnVector {
  const codes = new Int32Array(rows);
  const dict = pages[0]?.dictionary;
  if (pages.every((p) => p.indices && p.dictionary === dict) && dict instanceof Utf8Dict) {
    let r = 0;
    for (const p of pages) {
      const src = p.values as Int32Array;
      if (!p.defs || p.defs.length === 0) {
        const n = Math.min(p.rows, rows - r);
        codes.set(src.subarray(0, n), r);
        r += n;
        continue;
      }
      let k = 0;
      for (let i = 0; i < p.rows && r < rows; i++, r++) {
        if (p.defs[i] !== 1) continue;
        codes[r] = src[k++]!;
      }
    }
    return stringVector(rows, codes, dict, validity, nullCount);
  }
  const b = coding.builder;
  const remaps = new Map<Utf8Dict, Int32Array>();
  let r = 0;
  for (const p of pages) {
    if (p.plain) {
      r = codePlain(p, r, rows, codes, b);
      continue;
    }
    let remap: Int32Array | undefined;
    if (p.indices) {
      const d = p.dictionary as Utf8Dict;
      remap = remaps.get(d);
      if (!remap) {
        const data = d.source.data[0]!;
        const offsets = data.valueOffsets as Int32Array;
        const bytes = data.values as Uint8Array;
        remaps.set(d, (remap = Int32Array.from({ length: d.length }, (_, i) => b.code(bytes, offsets[i]!, offsets[i + 1]!))));
      }
    }
    let k = 0;
    for (let i = 0; i < p.rows && r < rows; i++, r++) {
      if (p.defs && p.defs.length > 0 && p.defs[i] !== 1) continue;
      const v = p.values[k++];
      codes[r] = remap ? remap[v as number]! : b.code(v as Uint8Array, 0, (v as Uint8Array).length);
    }
  }
  return stringVector(rows, codes, coding.dict ?? b.finish(), validity, nullCount);
}

/** Codes the PLAIN strings of page `p` (rows from `r` on) straight from its bytes; returns the next row. */
function codePlain(p: Page, r: number, rows: number, codes: Int32Array, b: Utf8DictBuilder): number {
  const bytes = p.plain!;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const end = bytes.byteLength;
  const defs = p.defs && p.defs.length > 0 ? p.defs : null;
  let at = 0;
  for (let i = 0; i < p.rows && r < rows; i++, r++) {
    if (defs && defs[i] !== 1) continue;
    if (at + 4 > end) throw new Error(`PLAIN string page ends after ${i} of its ${p.rows} values`);
    const a = at + 4;
    at = a + view.getUint32(at, true);
    if (at > end) throw new Error(`PLAIN string ${i} of the page overruns it (${at - end} bytes past its end)`);
    codes[r] = b.code(bytes, a, at);
  }
  return r;
}

/**
 * A PLAIN-encoded BYTE_ARRAY dictionary page (each entry a 4-byte length, then its bytes) as one
 * Utf8 buffer, without an object per entry (entries are not known to be distinct).
 */
function plainUtf8(page: Uint8Array, n: number): Utf8Dict {
  const view = new DataView(page.buffer, page.byteOffset, page.byteLength);
  const offsets = new Int32Array(n + 1);
  let at = 0;
  for (let i = 0; i < n; i++) {
    const len = view.getUint32(at, true);
    offsets[i + 1] = offsets[i]! + len;
    at += 4 + len;
  }
  if (at > page.byteLength) throw new Error(`dictionary page of ${n} strings overruns its ${page.byteLength} bytes`);
  const data = new Uint8Array(offsets[n]!);
  for (let i = 0, src = 4; i < n; i++) {
    const a = offsets[i]!;
    const len = offsets[i + 1]! - a;
    if (len <= 16) for (let j = 0; j < len; j++) data[a + j] = page[src + j]!;
    else data.set(page.subarray(src, src + len), a);
    src += len + 4;
  }
  return new Utf8Dict(arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data })), false);
}
