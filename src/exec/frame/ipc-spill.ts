import { rmSync } from 'node:fs';
import { compactDicts } from '../../frame/batch/compact-dict.js';
import { decodeIpc, encodeIpcPieces } from '../../frame/batch/ipc.js';
import type { BatchStream, ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { ChunkFormat } from '../exchange/chunk-format.js';
import { readRun, RunWriter, writeRun } from '../exchange/spill-runs.js';

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
 * Column batches as spill-run chunks: one IPC stream per batch, its dictionaries cut to what
 * it uses, so each frame reads back alone (see spill-runs.ts).
 */
export const ipcRunFormat: ChunkFormat<ColumnBatch> = {
  // A batch of no rows is skipped before it is encoded (a run keeps no empty chunk).
  encoder: (out) => ({ add: (b) => void (b.numRows > 0 && out(encodeIpcPieces(b.schema, [compactDicts(b)]), b.numRows)), flush: () => {} }),
  decode: decodeIpc,
};

/**
 * Appends batches to a new spill file, one at a time (e.g. one writer per grace
 * join bucket). Empty batches are skipped. `abort()` deletes the file.
 */
export class BatchSpillWriter {
  private readonly w: RunWriter<ColumnBatch>;

  constructor(dir: string, prefix: string) {
    this.w = new RunWriter(ipcRunFormat, dir, prefix);
  }

  /** Bytes written so far (buffered ones included). */
  get bytes(): number {
    return this.w.bytes;
  }

  append(batch: ColumnBatch): void {
    this.w.append(batch);
  }

  close(): SpilledRun {
    const { path, bytes } = this.w.close();
    return { path, bytes, rows: this.w.rows, batches: this.w.chunks };
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
  private readonly w: RunWriter<ColumnBatch>;
  private readonly regions: [number, number][][];
  private readonly rows: Float64Array;

  constructor(dir: string, prefix: string, parts: number) {
    this.w = new RunWriter(ipcRunFormat, dir, prefix);
    this.regions = Array.from({ length: parts }, () => []);
    this.rows = new Float64Array(parts);
  }

  append(part: number, batch: ColumnBatch): void {
    if (batch.numRows === 0) return;
    const at = this.w.bytes;
    this.w.append(batch);
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
  const { path, bytes, rows, chunks } = writeRun(ipcRunFormat, dir, prefix, batches);
  return { path, bytes, rows, batches: chunks };
}

/**
 * Reads a run back lazily, one batch per frame (each frame's checksum verified;
 * a corrupt file raises CorruptBlockError naming it). The file stays on disk:
 * read it again or delete it with {@link deleteRun}.
 */
export function readSpilledRun(run: SpilledRun): Generator<ColumnBatch> {
  return readRun(ipcRunFormat, run.path, run.regions);
}

/** Deletes a run's file (no error if it is already gone). */
export function deleteRun(run: SpilledRun): void {
  rmSync(run.path, { force: true });
}
