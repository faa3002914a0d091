import { decodeBatch } from '../../serde/record-codec.js';
import type { ComputeSpec } from '../../plan/node.js';
import { BATCH_SIZE, sliceBatches } from '../batch.js';
import { readInput } from '../exchange/read-chunks.js';
import type { TaskContext } from '../task-context.js';

/** parallelize(): the driver encoded each slice once into a block of its own; the task's fetcher made it local. */
export function* parallelizeSource(spec: Extract<ComputeSpec, { kind: 'parallelize' }>, p: number, ctx: TaskContext): Generator<unknown[]> {
  const slice = spec.slices[p];
  if (!slice) return;
  for (const chunk of readInput(() => ctx.local(slice), { kind: 'slice' }, `parallelize slice ${p}`)) yield* sliceBatches(decodeBatch(chunk) as unknown[]);
}

/** range(): partition p holds an equal share of the arithmetic sequence (Spark's range split). */
export function* rangeSource(spec: Extract<ComputeSpec, { kind: 'range' }>, p: number, numPartitions: number): Generator<number[]> {
  const { start, end, step } = spec;
  const count = Math.max(0, Math.ceil((end - start) / step));
  const from = Math.floor((p * count) / numPartitions);
  const to = Math.floor(((p + 1) * count) / numPartitions);
  for (let i = from; i < to; i += BATCH_SIZE) {
    const n = Math.min(BATCH_SIZE, to - i);
    const out = new Array<number>(n);
    for (let j = 0; j < n; j++) out[j] = start + (i + j) * step;
    yield out;
  }
}
