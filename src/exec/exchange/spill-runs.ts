import { SpillWriter, readFrames, tempPath } from '../spill-file.js';
import type { ChunkFormat } from './chunk-format.js';

/**
 * Operator spill runs, for both engines: batches an operator (sort, aggregation, join) puts
 * aside in a file of its task's spill directory, one checksummed frame per chunk its format
 * writes (chunks of no rows are skipped), and reads back lazily, frame by frame. Unlike a block
 * of the store, a run is the operator's own: it deletes the file when done with it.
 */
export class RunWriter<B> {
  private readonly w: SpillWriter;
  private readonly encoder: ReturnType<ChunkFormat<B>['encoder']>;
  /** Rows and chunks written so far. */
  rows = 0;
  chunks = 0;

  constructor(format: ChunkFormat<B>, dir: string, prefix: string) {
    const w = (this.w = new SpillWriter(tempPath(dir, prefix)));
    this.encoder = format.encoder((chunk, rows) => {
      if (rows === 0) return;
      w.append(chunk);
      this.rows += rows;
      this.chunks++;
    });
  }

  get path(): string {
    return this.w.path;
  }

  /** Bytes written so far (buffered ones included): where the next chunk starts. */
  get bytes(): number {
    return this.w.bytes;
  }

  append(batch: B): void {
    this.encoder.add(batch);
  }

  /** Writes what the format still holds and closes the file. */
  close(): { path: string; bytes: number } {
    this.encoder.flush();
    return this.w.close();
  }

  /** Closes (if open) and deletes the file: for error paths. */
  abort(): void {
    this.w.abort();
  }
}

/** Writes `batches` as one run file under `dir`; the file is deleted if writing fails. */
export function writeRun<B>(format: ChunkFormat<B>, dir: string, prefix: string, batches: Iterable<B>): { path: string; bytes: number; rows: number; chunks: number } {
  const w = new RunWriter(format, dir, prefix);
  try {
    for (const b of batches) w.append(b);
    return { ...w.close(), rows: w.rows, chunks: w.chunks };
  } catch (e) {
    w.abort();
    throw e;
  }
}

/**
 * Reads a run back lazily: the whole file, or its `[offset, length]` regions (runs sharing one
 * file). Each frame's checksum is verified (CorruptBlockError naming the file and offset).
 */
export function* readRun<B>(format: ChunkFormat<B>, path: string, regions?: readonly (readonly [number, number])[]): Generator<B> {
  for (const [offset, length] of regions ?? [[0, undefined] as const]) {
    for (const frame of readFrames(path, offset, length)) yield* format.decode(frame);
  }
}
