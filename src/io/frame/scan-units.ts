import type { TextSplit } from '../text-splits.js';

/** Min/max/null count of one column over a unit of rows (Parquet row-group statistics, or a partition value). */
export interface ColumnStats {
  /** Bounds in the column's in-memory units (days for date, ms for timestamp); null when unknown. */
  min: number | string | boolean | null;
  max: number | string | boolean | null;
  /** Null rows, or null when unknown. */
  nullCount: number | null;
}

/**
 * What one task reads of one file: the plain-data elements of `ScanSpec.partitions[p]` for files.
 * `partitionValues` are the raw hive folder values, in the order of the scan's partition columns
 * (the last fields of its file schema).
 */
export type ScanUnit =
  | { kind: 'text'; split: TextSplit; partitionValues: (string | null)[] }
  | {
      kind: 'parquet';
      path: string;
      rowGroup: number;
      numRows: number;
      bytes: number;
      /** Statistics by column name (only for columns that have them). */
      stats: Record<string, ColumnStats>;
      partitionValues: (string | null)[];
    }
  | { kind: 'arrow'; path: string; batch: number; numRows: number; partitionValues: (string | null)[] };

/** Groups units into partitions of about `target` bytes each, keeping their order (at least one partition). */
export function groupUnits<U>(units: U[], sizeOf: (u: U) => number, target: number): U[][] {
  const parts: U[][] = [];
  let cur: U[] = [];
  let bytes = 0;
  for (const u of units) {
    const b = sizeOf(u);
    if (cur.length > 0 && bytes + b > target) {
      parts.push(cur);
      cur = [];
      bytes = 0;
    }
    cur.push(u);
    bytes += b;
  }
  if (cur.length > 0 || parts.length === 0) parts.push(cur);
  return parts;
}
