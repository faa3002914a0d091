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

/** The file a unit reads. */
export function unitPath(u: ScanUnit): string {
  return u.kind === 'text' ? u.split.path : u.path;
}

/** How a scan packs its units into partitions (see {@link packUnits}). */
export interface Packing {
  /** Most bytes (data plus open costs) a partition gets, unless one unit alone is bigger. */
  maxBytes: number;
  /** What opening one file costs, counted in bytes. */
  openCost: number;
}

/**
 * Spark's target size of a partition (`FilePartition.maxSplitBytes`): the total cost of the input
 * (its bytes plus `openCost` per file) spread over `parallelism`, but at least `openCost` and at most
 * `splitBytes`. So a few small files still make `parallelism` partitions, and many tiny files are
 * not one partition each (nor all one partition).
 */
export function partitionBytes(sizes: readonly number[], splitBytes: number, openCost: number, parallelism: number): number {
  let total = 0;
  for (const s of sizes) total += s + openCost;
  return Math.max(1, Math.floor(Math.min(splitBytes, Math.max(openCost, total / Math.max(1, parallelism)))));
}

/**
 * Packs units into partitions in their order (so rows come back in file order), as Spark's
 * `FilePartition.getFilePartitions` does (which sorts by size first; order matters more here): a
 * unit joins the current partition unless its bytes would take the partition's cost over
 * `maxBytes`. A unit costs its bytes, plus `openCost` when it starts another file than the unit
 * before it in the partition (row groups of one file share one open). At least one partition.
 */
export function packUnits<U>(units: readonly U[], sizeOf: (u: U) => number, fileOf: (u: U) => string, { maxBytes, openCost }: Packing): U[][] {
  const parts: U[][] = [];
  let cur: U[] = [];
  let cost = 0;
  let file: string | undefined;
  for (const u of units) {
    const b = sizeOf(u);
    const f = fileOf(u);
    if (cur.length > 0 && cost + b > maxBytes) {
      parts.push(cur);
      cur = [];
      cost = 0;
    }
    cost += b + (cur.length > 0 && f === file ? 0 : openCost);
    cur.push(u);
    file = f;
  }
  if (cur.length > 0 || parts.length === 0) parts.push(cur);
  return parts;
}

/**
 * packUnits, with a partition count that is a multiple of `parallelism` when the input makes more
 * partitions than that: 7 full partitions on 2 workers leave one worker idle for the last one (an
 * eighth of the scan's wall time); 8 even ones keep both busy to the end. Units keep their order
 * and go to the partition their cost's midpoint falls in (cumulative cost / an equal share). Kept
 * only when no partition is left empty and none of several units costs more than `maxBytes`; else
 * the plain packing.
 * For units of known cost (Parquet row groups).
 */
export function packUnitsEvenly<U>(units: readonly U[], sizeOf: (u: U) => number, fileOf: (u: U) => string, packing: Packing, parallelism: number): U[][] {
  const parts = packUnits(units, sizeOf, fileOf, packing);
  const p = Math.floor(parallelism);
  if (p <= 1 || parts.length <= p || parts.length % p === 0) return parts;
  const goal = Math.ceil(parts.length / p) * p;
  const costs = units.map((u, i) => sizeOf(u) + (i === 0 || fileOf(u) !== fileOf(units[i - 1]!) ? packing.openCost : 0));
  const share = costs.reduce((a, b) => a + b, 0) / goal;
  const out: U[][] = Array.from({ length: goal }, () => []);
  const cost = new Array<number>(goal).fill(0);
  let cum = 0;
  units.forEach((u, i) => {
    const k = Math.min(goal - 1, Math.floor((cum + costs[i]! / 2) / share));
    out[k]!.push(u);
    cost[k]! += costs[i]!;
    cum += costs[i]!;
  });
  if (out.some((part, k) => part.length === 0 || (part.length > 1 && cost[k]! > packing.maxBytes))) return parts;
  return out;
}
