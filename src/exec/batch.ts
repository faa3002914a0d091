/** Records flow through a task's pipeline as batches: one array per step, never one per record. */
export type Batches<T = unknown> = Iterable<T[]>;

export const BATCH_SIZE = 4096;

/** Flattens batches into records (for user functions that take an iterator). */
export function* records<T>(input: Batches<T>): Generator<T> {
  for (const b of input) yield* b;
}

/** Splits one array into batches without copying more than a batch at a time. */
export function* sliceBatches<T>(all: T[], size = BATCH_SIZE): Generator<T[]> {
  for (let i = 0; i < all.length; i += size) yield all.slice(i, i + size);
}
