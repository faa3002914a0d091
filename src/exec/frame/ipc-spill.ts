import { rmSync } from 'node:fs';
import { decodeIpc, encodeIpc } from '../../frame/batch/ipc.js';
import type { BatchStream, ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import { SpillWriter, readFrames, tempPath } from '../spill-file.js';

/** Column batches written to one spill file: one CRC-checked frame of Arrow IPC per batch. */
export interface SpilledRun {
  readonly path: string;
  /** Bytes of the file. */
  readonly bytes: number;
  readonly rows: number;
  readonly batches: number;
}

/**
 * Appends batches to a new spill file, one at a time (e.g. one writer per grace
 * join bucket). Empty batches are skipped. `abort()` deletes the file.
 */
export class BatchSpillWriter {
  private readonly w: SpillWriter;
  private rows = 0;
  private batches = 0;

  constructor(dir: string, prefix: string) {
    this.w = new SpillWriter(tempPath(dir, prefix));
  }

  /** Bytes written so far (buffered ones included). */
  get bytes(): number {
    return this.w.bytes;
  }

  append(batch: ColumnBatch): void {
    if (batch.numRows === 0) return;
    this.w.append(encodeIpc(batch));
    this.rows += batch.numRows;
    this.batches++;
  }

  close(): SpilledRun {
    const { path, bytes } = this.w.close();
    return { path, bytes, rows: this.rows, batches: this.batches };
  }

  abort(): void {
    this.w.abort();
  }
}

/** Writes `batches` to a new spill file under `dir`; the file is deleted if writing fails. */
export function writeBatchesToSpill(dir: string, prefix: string, batches: BatchStream): SpilledRun {
  const w = new BatchSpillWriter(dir, prefix);
  try {
    for (const b of batches) w.append(b);
    return w.close();
  } catch (e) {
    w.abort();
    throw e;
  }
}

/**
 * Reads a run back lazily, one batch per frame (each frame's checksum verified;
 * a corrupt file raises CorruptBlockError naming it). The file stays on disk:
 * read it again or delete it with {@link deleteRun}.
 */
export function* readSpilledRun(run: SpilledRun): Generator<ColumnBatch> {
  for (const frame of readFrames(run.path)) for (const b of decodeIpc(frame)) yield trimmed(b);
}

/**
 * Decoded values arrays can be views longer than the vector (Arrow pads buffers
 * to 8 bytes); some batch utilities copy whole values arrays, so cut them to length.
 */
function trimmed(b: ColumnBatch): ColumnBatch {
  if (b.columns.every((c) => !c.values || c.values.length === c.length)) return b;
  const columns = b.columns.map((c): ColumnVector => (c.values && c.values.length !== c.length ? { ...c, values: c.values.subarray(0, c.length) } : c));
  return { schema: b.schema, columns, numRows: b.numRows };
}

/** Deletes a run's file (no error if it is already gone). */
export function deleteRun(run: SpilledRun): void {
  rmSync(run.path, { force: true });
}
