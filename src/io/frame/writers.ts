import * as path from 'node:path';
import { takeRows } from '../../frame/batch/batch.js';
import type { BatchStream, ColumnBatch } from '../../frame/batch/vector.js';
import type { Schema } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';
import { commitTask, taskOutputPath } from '../output-committer.js';
import { arrowSink } from './arrow-sink.js';
import { textCell } from './cell-format.js';
import { parquetSink } from './parquet-sink.js';
import type { PartSink, SinkFactory } from './part-sink.js';
import { commitPartitionedTask, partFileName, partitionedAttemptDir } from './partitioned-commit.js';
import { escapePartitionValue } from './partition-path.js';
import { csvSink, jsonLinesSink } from './text-sinks.js';
import type { FileFormat } from './scan-planner.js';

/** Options of {@link writeFramePart}. */
export interface FrameWriteOptions {
  /** Hive-style output folders `col=value/` (in this order); these columns are left out of the files. */
  partitionBy?: string[];
  /** CSV: write a header line (default true). */
  header?: boolean;
  /** CSV: field delimiter (default ','). */
  delimiter?: string;
  /** Parquet: rows per row group (default 100,000). */
  rowGroupSize?: number;
}

/**
 * Checks, before a write runs, that the files can hold the rows: CSV and Parquet files without
 * columns cannot (a CSV reader skips blank lines; a Parquet row group counts the rows of its
 * columns), so writing no columns to them, or only partitionBy columns, is an error (as in
 * Spark) rather than output that reads back empty. JSON lines (`{}`) and Arrow keep the rows.
 */
export function checkWritable(format: FileFormat, schema: Schema, partitionBy: readonly string[] = []): void {
  if (format !== 'csv' && format !== 'parquet') return;
  if (schema.fields.some((f) => !partitionBy.includes(f.name))) return;
  const what = schema.fields.length === 0 ? 'a DataFrame without columns' : `only the partitionBy columns (${partitionBy.join(', ')})`;
  throw new SluiceError(`cannot write ${what} to ${format === 'csv' ? 'CSV' : 'Parquet'}: its files would not keep the rows; select at least one column to write, or write JSON lines or Arrow`);
}

/** The file extension of each output format. */
export const FRAME_EXTENSIONS: Record<FileFormat, string> = { csv: '.csv', jsonLines: '.jsonl', parquet: '.parquet', arrow: '.arrow' };

function sinkFactory(format: FileFormat, o: FrameWriteOptions): SinkFactory {
  switch (format) {
    case 'csv':
      return (file, schema) => csvSink(file, schema, o);
    case 'jsonLines':
      return jsonLinesSink;
    case 'parquet':
      return (file, schema) => parquetSink(file, schema, o.rowGroupSize);
    case 'arrow':
      return arrowSink;
    default:
      throw new SluiceError(`unknown output format ${String(format)}`);
  }
}

/**
 * Writes one task's output (partition `partition`, attempt `attempt`) into the job's temp directory
 * (from prepareOutputDir) and commits it: one `part-NNNNN<ext>` file, or with `partitionBy` one per
 * `col=value/` folder the rows fall in. The driver then calls commitJob (without expectedPartitions
 * when partitionBy is used). Returns the committed files, the rows and the bytes written.
 */
export function writeFramePart(
  format: FileFormat,
  batches: BatchStream,
  schema: Schema,
  tempDir: string,
  partition: number,
  attempt: number,
  options: FrameWriteOptions = {},
): { files: string[]; rows: number; bytes: number } {
  const open = sinkFactory(format, options);
  const ext = FRAME_EXTENSIONS[format];
  const by = options.partitionBy ?? [];
  if (by.length === 0) {
    const attemptPath = taskOutputPath(tempDir, partition, attempt, ext);
    const { rows, bytes } = drain(batches, [open(attemptPath, schema)], () => 0);
    commitTask(tempDir, attemptPath, partition, ext);
    return { files: [path.join(tempDir, partFileName(partition, ext))], rows, bytes };
  }
  const attemptDir = partitionedAttemptDir(tempDir, partition, attempt);
  const { rows, bytes } = writePartitioned(batches, schema, by, (folder, fileSchema) => open(path.join(attemptDir, folder, partFileName(partition, ext)), fileSchema));
  return { files: commitPartitionedTask(tempDir, attemptDir, partition), rows, bytes };
}

/** Writes every batch to sinks[route(batch)], closing them all at the end (and deleting them all on failure). */
function drain(batches: Iterable<ColumnBatch>, sinks: PartSink[], route: (b: ColumnBatch) => number): { rows: number; bytes: number } {
  let rows = 0;
  try {
    for (const b of batches) {
      sinks[route(b)]!.write(b);
      rows += b.numRows;
    }
  } catch (e) {
    for (const s of sinks) s.abort();
    throw e;
  }
  return { rows, bytes: sinks.reduce((sum, s) => sum + s.close(), 0) };
}

/** Splits each batch by the values of the `by` columns and writes each group, without those columns, to its folder's sink. */
function writePartitioned(
  batches: BatchStream,
  schema: Schema,
  by: readonly string[],
  open: (folder: string, fileSchema: Schema) => PartSink,
): { rows: number; bytes: number } {
  const byIdx = by.map((name) => {
    const i = schema.fields.findIndex((f) => f.name === name);
    if (i < 0) throw new SluiceError(`partitionBy column ${name} is not in the output (${schema.fields.map((f) => f.name).join(', ')})`);
    return i;
  });
  const keep = schema.fields.map((_, i) => i).filter((i) => !byIdx.includes(i));
  if (keep.length === 0) throw new SluiceError('cannot partition by every column: the files would have no columns');
  const fileSchema: Schema = { fields: keep.map((i) => schema.fields[i]!) };
  const sinks = new Map<string, PartSink>();
  let rows = 0;
  try {
    for (const b of batches) {
      const cells = byIdx.map((i) => textCell(b.columns[i]!));
      const groups = new Map<string, number[]>();
      for (let r = 0; r < b.numRows; r++) {
        let folder = '';
        for (let k = 0; k < byIdx.length; k++) folder += `${k > 0 ? '/' : ''}${escapePartitionValue(by[k]!)}=${escapePartitionValue(cells[k]!(r))}`;
        let g = groups.get(folder);
        if (!g) groups.set(folder, (g = []));
        g.push(r);
      }
      const data: ColumnBatch = { schema: fileSchema, columns: keep.map((i) => b.columns[i]!), numRows: b.numRows };
      for (const [folder, rowIdx] of groups) {
        let sink = sinks.get(folder);
        if (!sink) sinks.set(folder, (sink = open(folder, fileSchema)));
        sink.write(rowIdx.length === b.numRows ? data : takeRows(data, Int32Array.from(rowIdx)));
      }
      rows += b.numRows;
    }
  } catch (e) {
    for (const s of sinks.values()) s.abort();
    throw e;
  }
  let bytes = 0;
  for (const s of sinks.values()) bytes += s.close();
  return { rows, bytes };
}
