import type { BatchStream } from '../../frame/batch/vector.js';
import type { ScanSpec } from '../../frame/physical/ops.js';
import type { Schema } from '../../frame/types.js';
import type { Metrics } from '../../util/metrics.js';

/** Reads one partition of a file scan (registered by the io layer, which sits above exec). */
export type FileScanReader = (spec: Extract<ScanSpec, { kind: 'files' }>, partition: number, ctx: { metrics: Metrics; onDropped?: (n: number) => void }) => BatchStream;

/** Writes one task's batches as files under the job's temp dir; returns what it wrote. */
export type FrameWriter = (
  format: FrameWriteFormat,
  batches: BatchStream,
  schema: Schema,
  tempDir: string,
  partition: number,
  attempt: number,
  options: Record<string, unknown>,
) => { files: string[]; rows: number; bytes: number };

export type FrameWriteFormat = 'csv' | 'jsonLines' | 'parquet' | 'arrow';

let reader: FileScanReader | undefined;
let writer: FrameWriter | undefined;

export function registerFrameIo(r: FileScanReader, w: FrameWriter): void {
  reader = r;
  writer = w;
}

export function fileScanReader(): FileScanReader {
  if (!reader) throw new Error('internal: no file scan reader registered on this worker (io/register.js not loaded)');
  return reader;
}

export function frameWriter(): FrameWriter {
  if (!writer) throw new Error('internal: no frame writer registered on this worker (io/register.js not loaded)');
  return writer;
}
