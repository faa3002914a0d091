import { readFrames, SpillWriter } from '../exec/spill-file.js';
import type { Batches } from '../exec/batch.js';
import { decodeBatch, encodeBatch } from '../serde/record-codec.js';

/**
 * Record files (Dataset checkpoints): each batch of records encoded once with the record codec
 * and written as one checksummed frame, the format spill files use, so a torn or corrupt file
 * is an error naming the file and offset, never wrong records.
 */

export const RECORD_FILE_EXT = '.rec';

export function writeRecordFile(path: string, input: Batches): { bytes: number; records: number } {
  const w = new SpillWriter(path);
  let records = 0;
  try {
    for (const batch of input) {
      if (batch.length === 0) continue;
      w.append(encodeBatch(batch));
      records += batch.length;
    }
  } catch (e) {
    w.abort();
    throw e;
  }
  return { bytes: w.close().bytes, records };
}

export function* readRecordFile(path: string): Generator<unknown[]> {
  for (const frame of readFrames(path)) yield decodeBatch(frame);
}
