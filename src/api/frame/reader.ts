import type { DataType } from '../../frame/types.js';
import type { Accumulator } from '../../driver/accumulator.js';
import { DataFrame } from '../dataframe.js';
import type { FileFormat, FrameContext } from './frame-context.js';

/** Options every file reader takes. */
export interface ReadOptions {
  /** Columns and types, instead of inferring them from a sample: `{ id: 'int64', name: 'string' }`. */
  schema?: Record<string, DataType>;
  /** `failfast` (default): a malformed line fails the job naming file and line; `dropMalformed`: it is dropped and counted in `dropped`. */
  mode?: 'failfast' | 'dropMalformed';
  /** Counts the lines dropped in `dropMalformed` mode (`s.accumulator()`). */
  dropped?: Accumulator<number>;
  /**
   * Most bytes per partition (default 32 MiB; Spark's `spark.sql.files.maxPartitionBytes`): big
   * CSV/JSON files are cut into byte ranges of at most this, small files are packed together up to it.
   * Inputs smaller than that times the session's parallelism get smaller partitions, so that every
   * worker has one.
   */
  splitBytes?: number;
  /**
   * What opening a file costs, in bytes, when files are packed into partitions (default 256 KiB;
   * Spark's `spark.sql.files.openCostInBytes`, 4 MiB there, made for remote file systems). Each file
   * counts as its size plus this, so with the defaults a partition holds at most 128 tiny files:
   * 100,000 of them become 782 partitions, spread over the workers. A larger value makes fewer files
   * per partition (4 MiB: 8), 0 packs by bytes only.
   */
  openCostBytes?: number;
}

export interface CsvReadOptions extends ReadOptions {
  header?: boolean;
  delimiter?: string;
  quote?: string;
  escape?: string;
  /** The text that means null (default: the empty field). */
  nullValue?: string;
  inferSchema?: boolean;
  /**
   * Quoted fields may hold line breaks (RFC 4180; default false, as in Spark). The planner then
   * scans each file's quotes once to start every split at a record boundary, so big files still
   * split. Without it, a quoted line break is a malformed line. Example:
   * `s.read.csv('notes.csv', { multiLine: true })`.
   */
  multiLine?: boolean;
}

/**
 * `session.read`: DataFrames over files. Paths may be files, directories or
 * globs (`logs/2024-*.csv`). Schemas are inferred now, on the driver, from a
 * sample (CSV, JSON lines) or the file metadata (Parquet, Arrow).
 */
export class DataFrameReader {
  constructor(private readonly ctx: FrameContext) {}

  csv(path: string | string[], opts: CsvReadOptions = {}): DataFrame {
    return this.files('csv', path, opts);
  }

  jsonLines(path: string | string[], opts: ReadOptions = {}): DataFrame {
    return this.files('jsonLines', path, opts);
  }

  json(path: string | string[], opts: ReadOptions = {}): DataFrame {
    return this.jsonLines(path, opts);
  }

  /** Parquet: only the columns a query uses are read, and row groups whose min/max statistics rule out its filters are skipped. */
  parquet(path: string | string[], opts: ReadOptions = {}): DataFrame {
    return this.files('parquet', path, opts);
  }

  /** Arrow IPC files (file or stream format). */
  arrow(path: string | string[], opts: ReadOptions = {}): DataFrame {
    return this.files('arrow', path, opts);
  }

  private files(format: FileFormat, path: string | string[], opts: ReadOptions): DataFrame {
    const { dropped, ...rest } = opts;
    const options: Record<string, unknown> = { ...rest };
    if (opts.mode === 'dropMalformed') options.droppedAccumulator = (dropped ?? this.ctx.accumulators.create(0, 'sum')).id;
    return new DataFrame(this.ctx, this.ctx.fileScan(format, path, options));
  }
}
