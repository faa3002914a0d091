/**
 * Registers the io layer's readers and writers with the task engine. The
 * session imports this module, and every worker thread preloads it.
 */
import { registerSink, registerSource } from '../exec/io-registry.js';
import { registerFrameIo } from '../exec/frame/frame-io.js';
import { readFileScan } from './frame/scan-reader.js';
import { writeFramePart } from './frame/writers.js';
import type { ComputeSpec } from '../plan/node.js';
import { parseJsonLines } from './json-lines.js';
import { readLines } from './line-reader.js';
import { commitTask, taskOutputPath, writeTextPart } from './output-committer.js';
import { readRecordFile, RECORD_FILE_EXT, writeRecordFile } from './record-files.js';

registerSource('textFile', (c, p) => readLines((c as Extract<ComputeSpec, { kind: 'textFile' }>).splits[p]!));

registerSource('jsonLines', (c, p, ctx) => {
  const spec = c as Extract<ComputeSpec, { kind: 'jsonLines' }>;
  const acc = spec.droppedAccumulator;
  return parseJsonLines(spec.splits[p]!, { mode: spec.mode, onDropped: (n) => acc !== undefined && ctx.accumulator(acc, 'sum').add(n) });
});

for (const format of ['text', 'jsonLines'] as const) {
  const ext = format === 'text' ? '.txt' : '.jsonl';
  registerSink(format, (action, input, ctx) => {
    if (action.kind !== 'save') throw new Error('internal: sink called for a non-save action');
    const path = taskOutputPath(action.tempDir, ctx.partition, ctx.payload.attempt, ext);
    const written = writeTextPart(path, toLines(input, format));
    commitTask(action.tempDir, path, ctx.partition, ext);
    ctx.metrics.recordsWritten += written.records;
    return written;
  });
}

// Checkpoints of Datasets: record-codec batches in checksummed frames.
registerSource('recordFiles', (c, p) => readRecordFile((c as Extract<ComputeSpec, { kind: 'recordFiles' }>).paths[p]!));
registerSink('records', (action, input, ctx) => {
  if (action.kind !== 'save') throw new Error('internal: sink called for a non-save action');
  const path = taskOutputPath(action.tempDir, ctx.partition, ctx.payload.attempt, RECORD_FILE_EXT);
  const written = writeRecordFile(path, input);
  commitTask(action.tempDir, path, ctx.partition, RECORD_FILE_EXT);
  ctx.metrics.recordsWritten += written.records;
  return written;
});

function* toLines(input: Iterable<unknown[]>, format: 'text' | 'jsonLines'): Generator<string[]> {
  for (const b of input) {
    yield b.map((x) => (format === 'text' && typeof x === 'string' ? x : JSON.stringify(x) ?? 'null'));
  }
}

// DataFrame file scans and writers.
registerFrameIo(readFileScan, (format, batches, schema, tempDir, partition, attempt, options) => writeFramePart(format, batches, schema, tempDir, partition, attempt, options));
