import type { FileMetaData } from 'hyparquet';
import { unifyStringVectors } from '../../frame/batch/dict-unify.js';
import type { BatchStream, ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { ScanSpec } from '../../frame/physical/ops.js';
import type { Field, Schema } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';
import type { Metrics } from '../../util/metrics.js';
import { arrowBatch, arrowIndex } from './arrow-reader.js';
import type { ArrowIpcIndex } from './arrow-ipc-index.js';
import { readCsvSplit } from './csv-reader.js';
import { csvOptions, readMode } from './frame-options.js';
import { readJsonSplit } from './json-lines-frame.js';
import type { RawColumns } from './malformed.js';
import { readParquetFooter } from './parquet-meta.js';
import { readParquetRowGroup } from './parquet-reader.js';
import { PartitionStrings } from './parquet-strings.js';
import { constantVector, partitionValue } from './partition-path.js';
import { unitPath, type ColumnStats, type ScanUnit } from './scan-units.js';
import { unitMayMatch } from './stats-pruning.js';
import type { Confinement } from '../input-file.js';

export type FileScanSpec = Extract<ScanSpec, { kind: 'files' }>;

/** What a file scan reports to its task. */
export interface FileScanContext {
  metrics: Metrics;
  /** Malformed lines dropped in `dropMalformed` mode (called once per split that dropped some). */
  onDropped?: (n: number) => void;
  /**
   * Called once at the end with how many units (Parquet row groups, Arrow batches, text splits) were
   * read and how many were skipped because their statistics or partition values cannot match `filters`.
   */
  onPruned?: (read: number, skipped: number) => void;
}

/**
 * Reads partition `partition` of a planned file scan (see planFileScan) on a worker: batches of
 * `spec.fileSchema` restricted to `spec.projection`, in projection order. Units whose statistics
 * prove that `spec.filters` cannot match are skipped; other rows are not filtered (a Filter runs above).
 */
export function* readFileScan(spec: FileScanSpec, partition: number, ctx: FileScanContext): BatchStream {
  const units = (spec.partitions[partition] ?? []) as ScanUnit[];
  const all = spec.fileSchema.fields;
  const names = spec.projection ?? all.map((f) => f.name);
  const outIdx = names.map((n) => {
    const i = all.findIndex((f) => f.name === n);
    if (i < 0) throw new SluiceError(`scan projection names column ${n}, which the files do not have (${all.map((f) => f.name).join(', ')})`);
    return i;
  });
  const schema: Schema = { fields: outIdx.map((i) => all[i]!) };
  const cache = new FileCache();
  let read = 0;
  let skipped = 0;
  // Parquet row groups each bring their own string dictionaries: a partition's batches are held
  // (up to UNIFY_ROWS rows) and re-coded to share one dictionary per column before they go on.
  // Strings stored PLAIN are coded straight into one dictionary per column (PartitionStrings),
  // sealed when the held batches go.
  const held: ColumnBatch[] = [];
  let heldRows = 0;
  const strings = new PartitionStrings();
  for (const unit of units) {
    const nData = all.length - unit.partitionValues.length;
    const parts = unit.partitionValues.map((raw, k) => partitionValue(raw, all[nData + k]!.type, all[nData + k]!.name, unitPath(unit)));
    if (spec.filters.length > 0 && !unitMayMatch(spec.filters, unitRows(unit), statsLookup(unit, all, nData, parts))) {
      skipped++;
      continue;
    }
    read++;
    const dataFields = all.slice(0, nData);
    const want = outIdx.filter((i) => i < nData);
    for (const raw of readUnit(spec, unit, dataFields, want, ctx, cache, strings)) {
      if (raw.rows === 0) continue;
      const columns: ColumnVector[] = [];
      let d = 0;
      for (const i of outIdx) columns.push(i < nData ? raw.columns[d++]! : constantVector(all[i]!.type, parts[i - nData], raw.rows));
      const batch: ColumnBatch = { schema, columns, numRows: raw.rows };
      if (unit.kind !== 'parquet') {
        yield batch;
        continue;
      }
      held.push(batch);
      heldRows += raw.rows;
      if (heldRows >= UNIFY_ROWS) {
        yield* unifyDicts(strings.seal(held.splice(0)));
        heldRows = 0;
      }
    }
  }
  yield* unifyDicts(strings.seal(held));
  ctx.onPruned?.(read, skipped);
}

/** Rows of Parquet row groups whose string dictionaries are merged into one (see readFileScan). */
const UNIFY_ROWS = 1 << 22;

/** `batches` with each string column re-coded onto one dictionary (unifyStringVectors). */
function unifyDicts(batches: ColumnBatch[]): ColumnBatch[] {
  if (batches.length <= 1) return batches;
  const out = batches.map((b) => ({ ...b, columns: b.columns.slice() }));
  batches[0]!.schema.fields.forEach((f, c) => {
    if (f.type !== 'string') return;
    const unified = unifyStringVectors(batches.map((b) => b.columns[c]!));
    unified.forEach((v, k) => (out[k]!.columns[c] = v));
  });
  return out;
}

/** Rows of a unit when known up front; Infinity for text splits (a null partition value then still means "all rows null"). */
function unitRows(u: ScanUnit): number {
  return u.kind === 'text' ? Infinity : u.numRows;
}

function statsLookup(unit: ScanUnit, all: readonly Field[], nData: number, parts: unknown[]) {
  return (column: string): { type: Field['type']; stats: ColumnStats | undefined } | undefined => {
    const i = all.findIndex((f) => f.name === column);
    if (i < 0) return undefined;
    if (i >= nData) {
      const v = parts[i - nData];
      const bound = v === null || v === undefined ? null : (v as number | string | boolean);
      // A partition value is exact: every row of the unit has it.
      return { type: all[i]!.type, stats: { min: bound, max: bound, nullCount: bound === null ? unitRows(unit) : 0 } };
    }
    return { type: all[i]!.type, stats: unit.kind === 'parquet' ? unit.stats[column] : undefined };
  };
}

/** Per-task cache of parsed Parquet footers and Arrow message indexes (a partition often holds several units of one file). */
class FileCache {
  private path = '';
  private value: FileMetaData | ArrowIpcIndex | null = null;
  get<T extends FileMetaData | ArrowIpcIndex>(path: string, load: (p: string) => T): T {
    if (this.path !== path || this.value === null) {
      this.value = load(path);
      this.path = path;
    }
    return this.value as T;
  }
}

function* readUnit(spec: FileScanSpec, unit: ScanUnit, fields: Field[], want: number[], ctx: FileScanContext, cache: FileCache, strings: PartitionStrings): Generator<RawColumns> {
  // A scan planned for SQL under sqlFileAccess.allow: every file is checked again as it is opened.
  const confine = spec.options.confineTo as Confinement;
  switch (unit.kind) {
    case 'text': {
      const split = confine ? { ...unit.split, confine } : unit.split;
      if (spec.format === 'csv') yield* readCsvSplit(split, fields, want, csvOptions(spec.options), ctx.onDropped);
      else yield* readJsonSplit(split, want.map((i) => fields[i]!), readMode(spec.options), ctx.onDropped);
      return;
    }
    case 'parquet': {
      const md = cache.get(unit.path, (p) => readParquetFooter(p, confine));
      yield { columns: readParquetRowGroup(unit.path, md, unit.rowGroup, want.map((i) => fields[i]!), confine, strings), rows: unit.numRows };
      return;
    }
    case 'arrow': {
      const batch = arrowBatch(unit.path, cache.get(unit.path, (p) => arrowIndex(p, confine)), unit.batch, confine);
      const columns = want.map((i) => {
        const c = batch.schema.fields.findIndex((f) => f.name === fields[i]!.name);
        if (c < 0) throw new SluiceError(`${unit.path}: Arrow file has no column ${fields[i]!.name}`);
        return batch.columns[c]!;
      });
      yield { columns, rows: batch.numRows };
    }
  }
}
