import { decodeBatch } from '../../serde/record-codec.js';
import type { ComputeSpec } from '../../plan/node.js';
import { BATCH_SIZE, sliceBatches, type Batches } from '../batch.js';

/** parallelize(): the driver encoded each slice once into shared memory. */
export function parallelizeSource(spec: Extract<ComputeSpec, { kind: 'parallelize' }>, p: number): Batches {
  const buf = spec.slices[p];
  if (!buf || buf.byteLength === 0) return [];
  return sliceBatches(decodeBatch(new Uint8Array(buf)));
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
