import { InputError } from '../util/errors.js';
import { readLines, splitFirstLineNumber, type LineReaderOptions } from './line-reader.js';
import type { TextSplit } from './text-splits.js';

/** Options of {@link parseJsonLines}. */
export interface JsonLinesOptions extends LineReaderOptions {
  /** `failfast` (default): a malformed line fails the task. `permissive`: it is dropped and counted. */
  mode?: 'failfast' | 'permissive';
  /** Permissive mode: called once at the end of the split with the number of dropped lines, if any. */
  onDropped?: (count: number) => void;
  /** Lines read per batch (default 4096). */
  batchSize?: number;
}

const SNIPPET = 80;

/**
 * Parses the JSON-lines records of one split, one `JSON.parse` per line, in batches.
 *
 * Blank and whitespace-only lines are skipped silently (they are common at the end of files and are
 * not records). A malformed line in `failfast` mode throws an InputError naming the file, the exact
 * 1-based line number (also for splits that start mid-file) and a snippet of the line; in
 * `permissive` mode it is dropped and counted through `onDropped`.
 */
export function* parseJsonLines(split: TextSplit, opts: JsonLinesOptions = {}): Generator<unknown[]> {
  const permissive = opts.mode === 'permissive';
  let dropped = 0;
  let lineIndex = 0; // index within the split of the first line of the current batch
  for (const lines of readLines(split, opts.batchSize ?? 4096, opts)) {
    const out: unknown[] = [];
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!;
      if (isBlank(line)) continue;
      try {
        out.push(JSON.parse(line));
      } catch (e) {
        if (permissive) {
          dropped++;
          continue;
        }
        // Only now pay for reading the file up to the split start to get the absolute line number.
        const lineNo = splitFirstLineNumber(split) + lineIndex + i;
        const snippet = line.length > SNIPPET ? `${line.slice(0, SNIPPET)}…` : line;
        throw new InputError(
          `${split.path}:${lineNo}: malformed JSON line (${(e as Error).message}): ${snippet}`,
          split.path,
          lineNo,
        );
      }
    }
    lineIndex += lines.length;
    if (out.length > 0) yield out;
  }
  if (dropped > 0) opts.onDropped?.(dropped);
}

function isBlank(line: string): boolean {
  if (line.length === 0) return true;
  const c = line.charCodeAt(0);
  // Fast path: a record starts with a printable ASCII character ('{', '[', '"', a digit...).
  if (c > 0x20 && c < 0x7f) return false;
  return line.trim().length === 0;
}
