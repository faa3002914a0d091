import type { DataType, Schema } from '../types.js';
import type { Utf8Dict } from './utf8-dict.js';

/**
 * One column of a batch, Arrow-compatible in layout (see ../types.ts for the
 * values array of each type). `validity` is an Arrow validity bitmap (bit i of
 * byte i>>3, least significant bit first; 1 = valid) or null when no row is null.
 * Rows that are null hold an arbitrary value in `values` (0 by convention).
 * Vectors are immutable once built: operators make new ones.
 */
export interface ColumnVector {
  readonly type: DataType;
  readonly length: number;
  /** bool: Uint8Array; int32, date, string codes: Int32Array; int64, float64, timestamp: Float64Array. Absent for list and null. */
  readonly values?: Uint8Array | Int32Array | Float64Array;
  /** string columns: the dictionary the codes index (may hold unused entries and is not sorted). */
  readonly dict?: readonly string[];
  /**
   * string columns whose dictionary is still the UTF-8 bytes it was read from:
   * reading `dict` decodes it (once). Code that only moves codes (take, slice,
   * concatenate, write) should use dictHandle / stringVector (utf8-dict.ts) so
   * as not to decode it.
   */
  readonly utf8?: Utf8Dict;
  /** list columns: one JS array (or null) per row. */
  readonly objects?: readonly (unknown[] | null)[];
  readonly validity: Uint8Array | null;
  readonly nullCount: number;
}

/** A horizontal slice of a table: equally long columns under one schema. */
export interface ColumnBatch {
  readonly schema: Schema;
  readonly columns: readonly ColumnVector[];
  readonly numRows: number;
}

/** Batches flow through operators as iterables, pulled one at a time. */
export type BatchStream = Iterable<ColumnBatch>;

/** Rows per batch that operators aim for when they build batches. */
export const FRAME_BATCH_ROWS = 65536;

export function isValid(v: ColumnVector, i: number): boolean {
  return v.validity === null || ((v.validity[i >> 3]! >> (i & 7)) & 1) === 1;
}
