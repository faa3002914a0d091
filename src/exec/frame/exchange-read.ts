import { decodeIpc } from '../../frame/batch/ipc.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import type { WireDep } from '../../plan/stages.js';
import { readBlockPartition } from '../block-store.js';
import type { TaskContext } from '../task-context.js';
import { FetchFailedError } from '../user-function-error.js';

/**
 * Reads partition `partition` of every map output of a frame shuffle: Arrow IPC
 * chunks decoded into column batches. A block that cannot be read is a fetch
 * failure, so the scheduler recomputes that map output.
 */
export function* readFrameShuffle(dep: Extract<WireDep, { type: 'shuffle' }>, partition: number, ctx: TaskContext): Generator<ColumnBatch> {
  const refs = ctx.payload.shuffleInputs[dep.shuffleId];
  if (!refs) throw new Error(`internal: no map outputs given for shuffle ${dep.shuffleId}`);
  for (let m = 0; m < dep.numMaps; m++) {
    const ref = refs[m];
    if (!ref) throw new FetchFailedError(dep.shuffleId, m, new Error('map output missing'));
    let chunks: Uint8Array[];
    try {
      chunks = [...readBlockPartition(ref, partition)];
    } catch (e) {
      throw new FetchFailedError(dep.shuffleId, m, e);
    }
    for (const c of chunks) {
      ctx.metrics.shuffleReadBytes += c.byteLength;
      yield* decodeIpc(c);
    }
  }
}

/** Records in partition `partition` of a frame shuffle, from its map outputs' counts (undefined if one did not count). */
export function shuffleRows(dep: Extract<WireDep, { type: 'shuffle' }>, partition: number, ctx: TaskContext): number | undefined {
  const refs = ctx.payload.shuffleInputs[dep.shuffleId];
  let rows = 0;
  for (let m = 0; m < dep.numMaps; m++) {
    const r = refs?.[m]?.rows?.[partition];
    if (r === undefined) return undefined;
    rows += r;
  }
  return rows;
}
