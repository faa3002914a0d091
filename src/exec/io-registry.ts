import type { ComputeSpec } from '../plan/node.js';
import type { Batches } from './batch.js';
import type { ActionSpec } from './task.js';
import type { TaskContext } from './task-context.js';

/**
 * Readers and writers of external data (files, formats) live in the io layer
 * above exec; they register here so that tasks can find them on any worker.
 */
export type SourceReader = (compute: ComputeSpec, partition: number, ctx: TaskContext) => Batches;
export type SinkWriter = (action: ActionSpec, input: Batches, ctx: TaskContext) => unknown;

const readers = new Map<string, SourceReader>();
const writers = new Map<string, SinkWriter>();

export function registerSource(kind: string, reader: SourceReader): void {
  readers.set(kind, reader);
}

export function sourceReader(kind: string): SourceReader | undefined {
  return readers.get(kind);
}

export function registerSink(kind: string, writer: SinkWriter): void {
  writers.set(kind, writer);
}

export function sinkWriter(kind: string): SinkWriter | undefined {
  return writers.get(kind);
}
