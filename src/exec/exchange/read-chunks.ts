import type { LocalRegion } from '../block-ref.js';
import { blockRegion, type LocalBlock } from '../block-store.js';
import { regionOf } from '../local-block-store.js';
import { SluiceError } from '../../util/errors.js';
import { parseFrames, readFrames } from '../spill-file.js';
import { inputFailure, type InputRole } from './fetch-failures.js';

/**
 * The read side of the exchange core: a region of a block, wherever it lives (the worker's
 * memory, its disk, landed from another worker), as a stream of encoded chunks. Files are read
 * through bounded buffers, frame by frame, each checked against its crc32 (CorruptBlockError
 * naming the file and offset); bytes in memory never went through a disk and are checked for
 * frame lengths only. Formats (record codec, Arrow IPC: chunk-format.ts) decode the chunks.
 */

/** Yields the encoded chunks of a region made local by a fetcher; `what` names the region in errors. */
export function* readLocalRegion(region: LocalRegion, what: string): Generator<Uint8Array> {
  if (region.kind === 'file') {
    if (region.end > region.start) yield* readFrames(region.path, region.start, region.end - region.start);
    return;
  }
  const { chunks } = region;
  // A region fetched in pieces may split a frame: parse it whole.
  const bytes = chunks.length === 1 ? chunks[0]! : new Uint8Array(Buffer.concat(chunks));
  if (bytes.byteLength > 0) yield* parseFrames(bytes, what, 0, false);
}

/**
 * Yields the encoded chunks of one partition of a block this task wrote and keeps for itself
 * (a deep lineage's cut, an awaited UDF column). Memory blocks yield views into the shared
 * buffer (no copy): treat them as read-only.
 */
export function* readBlockPartition(ref: LocalBlock, partition: number): Generator<Uint8Array> {
  const n = ref.numPartitions;
  if (!Number.isInteger(partition) || partition < 0 || partition >= n) {
    throw new SluiceError(`readBlockPartition: partition ${partition} out of range [0, ${n})`);
  }
  const region = blockRegion(ref, partition);
  if (region) yield* readLocalRegion(regionOf(region, region.start, region.end), ref.kind === 'memory' ? 'memory block' : ref.path);
}

/**
 * Yields the chunks of one region a task reads as `role` (a shuffle piece, a cached partition,
 * a broadcast, a slice): a failure to have or read it is mapped by {@link inputFailure}, one
 * place for every engine. Errors of the consumer between chunks are not the region's and pass.
 */
export function* readInput(region: () => LocalRegion, role: InputRole, what: string): Generator<Uint8Array> {
  let chunks: Generator<Uint8Array>;
  try {
    chunks = readLocalRegion(region(), what);
  } catch (e) {
    throw inputFailure(role, e);
  }
  try {
    for (;;) {
      let r: IteratorResult<Uint8Array>;
      try {
        r = chunks.next();
      } catch (e) {
        throw inputFailure(role, e);
      }
      if (r.done) return;
      yield r.value;
    }
  } finally {
    chunks.return(undefined); // a consumer that stops early closes the file
  }
}
