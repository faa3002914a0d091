import { fromArrowSchema } from '../../frame/batch/arrow-types.js';
import type { Field, Schema } from '../../frame/types.js';
import { InputError, SluiceError } from '../../util/errors.js';
import { splitTextFiles, type TextSplit } from '../text-splits.js';
import { arrowIndex, arrowSchema } from './arrow-reader.js';
import { csvSplitAdjuster } from './csv-record-splits.js';
import { inferCsvFields } from './csv-schema.js';
import { listInputFiles, type FileListing } from './file-listing.js';
import { csvOptions, openCostBytes, splitBytes, userSchema } from './frame-options.js';
import { inferJsonFields } from './json-lines-frame.js';
import { parquetFields, readParquetFooter, rowGroupStats } from './parquet-meta.js';
import { packUnits, packUnitsEvenly, partitionBytes, unitPath, type ScanUnit } from './scan-units.js';
import { TextTypeInferrer } from './type-inference.js';

/** The file formats a DataFrame scan reads. */
export type FileFormat = 'csv' | 'jsonLines' | 'parquet' | 'arrow';

/** What the driver learns when it plans a file scan. */
export interface FileScanPlan {
  /** The scan's output schema before projection: the files' columns, then hive partition columns. */
  schema: Schema;
  /** One list of {@link ScanUnit}s per partition (plain data). */
  partitions: unknown[][];
  /** Total bytes of the input files (for broadcast decisions). */
  sizeBytes: number;
  /** The schema the reader produces (the same fields as `schema`; put it in `ScanSpec.fileSchema`). */
  fileSchema: Schema;
}

/** How the driver plans a scan, beside the reader's options. */
export interface ScanPlanContext {
  /** Sees the listed files before any is opened (and may throw). */
  checkFiles?: (files: string[]) => void;
  /** The partitions small inputs are spread over (the session's default parallelism; default 1). */
  parallelism?: number;
}

/**
 * Plans a scan on the driver: expands `paths` (files, globs, directories recursively, skipping `_*`
 * and `.*` names; `col=value` folders under a directory add partition columns), takes the schema
 * from `options.schema` or infers it (CSV/JSON lines: from a sample; Parquet/Arrow: from the first
 * file), and cuts units: byte ranges for text, row groups for Parquet (with their statistics),
 * record batches for Arrow IPC. Units are packed into partitions as Spark packs files: each costs
 * its bytes plus `options.openCostBytes` (256 KiB) per file, and a partition holds at most
 * {@link partitionBytes} (`options.splitBytes`, 32 MiB, or less so that small inputs still fill
 * `parallelism` partitions). So 100,000 tiny files make 782 partitions, not one (nor 100,000).
 */
export function planFileScan(format: FileFormat, paths: string | string[], options: Record<string, unknown>, context: ScanPlanContext = {}): FileScanPlan {
  const listing = listInputFiles(paths);
  context.checkFiles?.(listing.files.map((f) => f.path));
  const openCost = openCostBytes(options);
  const sizes = listing.files.map((f) => f.size);
  const target = partitionBytes(sizes, splitBytes(options), openCost, context.parallelism ?? 1);
  const sizeBytes = sizes.reduce((s, n) => s + n, 0);
  const given = userSchema(options);
  let dataFields: Field[];
  let units: ScanUnit[];
  let sizeOf: (u: ScanUnit) => number;
  switch (format) {
    case 'csv':
    case 'jsonLines': {
      dataFields = given?.fields ?? (format === 'csv' ? inferCsvFields(listing.files, csvOptions(options)) : inferJsonFields(listing.files));
      // CSV options are validated even when the schema is given; multiLine moves splits to record starts.
      units = textUnits(listing, target, format === 'csv' ? csvSplitAdjuster(csvOptions(options)) : undefined);
      sizeOf = (u) => (u.kind === 'text' ? u.split.end - u.split.start : 0);
      break;
    }
    case 'parquet': {
      const p = parquetUnits(listing, given);
      dataFields = p.fields;
      units = p.units;
      sizeOf = (u) => (u.kind === 'parquet' ? u.bytes : 0);
      break;
    }
    case 'arrow': {
      const a = arrowUnits(listing);
      dataFields = a.fields; // Arrow files carry their schema: `schema` is not applied
      units = a.units;
      const rows = units.reduce((s, u) => s + (u.kind === 'arrow' ? u.numRows : 0), 0);
      sizeOf = (u) => (u.kind === 'arrow' && rows > 0 ? (u.numRows / rows) * sizeBytes : 0);
      break;
    }
    default:
      throw new SluiceError(`unknown file format ${String(format)}`);
  }
  const fields = [...dataFields, ...partitionFields(listing, dataFields)];
  const schema: Schema = { fields };
  const packing = { maxBytes: target, openCost };
  const partitions = format === 'parquet' ? packUnitsEvenly(units, sizeOf, unitPath, packing, context.parallelism ?? 1) : packUnits(units, sizeOf, unitPath, packing);
  return { schema, partitions, sizeBytes, fileSchema: { fields: fields.map((f) => ({ ...f })) } };
}


/** Hive partition columns: their types are inferred from the folder values (int32, ..., else string). */
function partitionFields(listing: FileListing, dataFields: readonly Field[]): Field[] {
  return listing.partitionKeys.map((name, k) => {
    if (dataFields.some((f) => f.name === name)) throw new InputError(`partition column ${name} is also a column of the files`, listing.files[0]!.path);
    const inf = new TextTypeInferrer();
    for (const f of listing.files) if (f.partitionValues[k] !== null) inf.add(f.partitionValues[k]!);
    return { name, type: inf.result(), nullable: true };
  });
}

function textUnits(listing: FileListing, target: number, adjust?: (splits: TextSplit[]) => TextSplit[]): ScanUnit[] {
  const byPath = new Map(listing.files.map((f) => [f.path, f]));
  const nonEmpty = listing.files.filter((f) => f.size > 0);
  if (nonEmpty.length === 0) return [];
  // The listing has the sizes: no second expansion and stat of every file.
  const cut = splitTextFiles(nonEmpty, { maxSplitBytes: target });
  const splits = adjust ? adjust(cut) : cut;
  return splits.map((split) => ({ kind: 'text', split, partitionValues: byPath.get(split.path)!.partitionValues }));
}

function parquetUnits(listing: FileListing, given: Schema | null): { fields: Field[]; units: ScanUnit[] } {
  let fields: Field[] | null = given?.fields ?? null;
  const units: ScanUnit[] = [];
  for (const f of listing.files) {
    const md = readParquetFooter(f.path);
    const own = parquetFields(md).map((x) => x.field);
    fields ??= own;
    for (const want of fields) {
      const have = own.find((o) => o.name === want.name);
      if (!have || have.type !== want.type) {
        throw new InputError(`${f.path}: Parquet column ${want.name} ${have ? `is ${String(have.type)}, expected ${String(want.type)}` : 'is missing'}`, f.path);
      }
    }
    const names = new Set(fields.map((x) => x.name));
    md.row_groups.forEach((rg, i) => {
      units.push({ kind: 'parquet', path: f.path, rowGroup: i, numRows: Number(rg.num_rows), bytes: Number(rg.total_compressed_size ?? rg.total_byte_size), stats: rowGroupStats(md, i, names), partitionValues: f.partitionValues });
    });
  }
  return { fields: fields ?? [], units };
}

function arrowUnits(listing: FileListing): { fields: Field[]; units: ScanUnit[] } {
  let fields: Field[] | null = null;
  const units: ScanUnit[] = [];
  for (const f of listing.files) {
    // Message headers only: the batches' bytes are read by the tasks.
    const index = arrowIndex(f.path);
    fields ??= fromArrowSchema(arrowSchema(f.path, index)).fields;
    index.batches.forEach((b, i) => units.push({ kind: 'arrow', path: f.path, batch: i, numRows: b.rows, partitionValues: f.partitionValues }));
  }
  return { fields: fields ?? [], units };
}
