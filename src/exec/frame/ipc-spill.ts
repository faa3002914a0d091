import { rmSync } from 'node:fs';
import { compactDicts } from '../../frame/batch/compact-dict.js';
import { decodeIpc, encodeIpcPieces } from '../../frame/batch/ipc.js';
import type { BatchStream, ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import { SpillWriter, readFrames, tempPath } from '../spill-file.js';

/** Column batches written to a spill file: one CRC-checked frame of Arrow IPC per batch. */
export interface SpilledRun {
  readonly path: string;
  /** Bytes of the run's frames. */
  readonly bytes: number;
  readonly rows: number;
  readonly batches: number;
  /** The run's frames as [offset, length] regions of a file shared with other runs (see PartitionedSpillWriter); absent: the whole file. */
  readonly regions?: readonly (readonly [number, number])[];
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
    this.w.append(encodeIpcPieces(batch.schema, [compactDicts(batch)]));
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

/**
 * Writes the batches of `parts` runs into one shared file (one file per
 * partitioning pass rather than one per part: creating files is costly), each
 * run remembering the regions of its frames. The runs share the file:
 * {@link deleteRun} on any of them deletes it for all.
 */
export class PartitionedSpillWriter {
  private readonly w: SpillWriter;
  private readonly regions: [number, number][][];
  private readonly rows: Float64Array;

  constructor(dir: string, prefix: string, parts: number) {
    this.w = new SpillWriter(tempPath(dir, prefix));
    this.regions = Array.from({ length: parts }, () => []);
    this.rows = new Float64Array(parts);
  }

  append(part: number, batch: ColumnBatch): void {
    if (batch.numRows === 0) return;
    const at = this.w.bytes;
    this.w.append(encodeIpcPieces(batch.schema, [compactDicts(batch)]));
    const regions = this.regions[part]!;
    const last = regions[regions.length - 1];
    if (last && last[0] + last[1] === at) last[1] += this.w.bytes - at;
    else regions.push([at, this.w.bytes - at]);
    this.rows[part]! += batch.numRows;
  }

  /** Closes the file; one run per part. */
  close(): SpilledRun[] {
    const { path } = this.w.close();
    return this.regions.map((regions, i) => {
      let bytes = 0;
      for (const r of regions) bytes += r[1];
      return { path, bytes, rows: this.rows[i]!, batches: regions.length, regions };
    });
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
  for (const [offset, length] of run.regions ?? [[0, undefined] as const]) {
    for (const frame of readFrames(run.path, offset, length)) yield* decodeIpc(frame);
  }
}

/** Deletes a run's file (no error if it is already gone). */
export function deleteRun(run: SpilledRun): void {
  rmSync(run.path, { force: true });
}
