import { CompressionType, compressionRegistry, Table, tableFromIPC } from 'apache-arrow';
import { decompress as zstdDecompress } from 'fzstd';
import { decompressFrameSync } from 'lz4-napi';
import { fromArrowTable } from '../../frame/batch/arrow.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import { InputError, SluiceError } from '../../util/errors.js';
import type { Confinement } from '../input-file.js';
import { isGzipPath } from '../text-splits.js';
import { readArrowIndex, readArrowStreamBytes, type ArrowIpcIndex } from './arrow-ipc-index.js';

// Compressed IPC bodies (as Polars, DuckDB and pyarrow write them): apache-arrow decompresses each
// buffer through the codec registered for the batch's compression type; it ships none itself.
compressionRegistry.set(CompressionType.LZ4_FRAME, { decode: (data) => decompressFrameSync(Buffer.from(data.buffer, data.byteOffset, data.byteLength)) });
compressionRegistry.set(CompressionType.ZSTD, { decode: (data) => zstdDecompress(data) });

/** The message index of an Arrow IPC file or stream (schema, dictionaries, record batches): headers only. */
export function arrowIndex(path: string, confine?: Confinement): ArrowIpcIndex {
  if (isGzipPath(path)) throw new InputError(`${path}: gzip-compressed Arrow IPC files are not supported (Arrow's own LZ4/ZSTD body compression is)`, path);
  return readArrowIndex(path, confine);
}

/** The schema of an Arrow IPC file or stream, reading its schema message only. */
export function arrowSchema(path: string, index: ArrowIpcIndex): Table['schema'] {
  return decode(path, () => tableFromIPC(readArrowStreamBytes(path, index, [])).schema);
}

/** Record batch `batch` of an Arrow IPC file as a ColumnBatch (all of its columns), reading only its bytes and the dictionaries before it. */
export function arrowBatch(path: string, index: ArrowIpcIndex, batch: number, confine?: Confinement): ColumnBatch {
  if (!index.batches[batch]) throw new InputError(`${path}: no record batch ${batch}`, path);
  const table = decode(path, () => tableFromIPC(readArrowStreamBytes(path, index, [batch], confine)));
  if (table.batches.length !== 1) throw new InputError(`${path}: record batch ${batch} read as ${table.batches.length} batches`, path);
  return fromArrowTable(table).batches[0]!;
}

function decode<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (e) {
    if (e instanceof SluiceError) throw e; // input errors, and a file outside sqlFileAccess's directories
    throw new InputError(`${path}: not a readable Arrow IPC file or stream: ${(e as Error).message}`, path);
  }
}
