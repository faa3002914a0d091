import type { ColumnBatch } from '../../frame/batch/vector.js';
import type { WireDep } from '../../plan/stages.js';
import { decodeChunks } from '../exchange/chunk-format.js';
import { shuffleChunks, shuffleSlice } from '../shuffle-read.js';
import { ipcFormat } from './ipc-format.js';
import type { TaskContext } from '../task-context.js';

/**
 * Reads partition `partition` of every map output of a frame shuffle: Arrow IPC
 * chunks decoded into column batches. A block that cannot be read is a fetch
 * failure, so the scheduler recomputes that map output.
 */
export function* readFrameShuffle(dep: Extract<WireDep, { type: 'shuffle' }>, partition: number, ctx: TaskContext): Generator<ColumnBatch> {
  yield* decodeChunks(ipcFormat, shuffleChunks(dep, partition, ctx));
}

/** Records in partition `partition` of a frame shuffle, from its map outputs' counts (undefined if one did not count). */
export function shuffleRows(dep: Extract<WireDep, { type: 'shuffle' }>, partition: number, ctx: TaskContext): number | undefined {
  return shuffleSlice(dep, partition, ctx).rows;
}
