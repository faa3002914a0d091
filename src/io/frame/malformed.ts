import type { ColumnVector } from '../../frame/batch/vector.js';
import { InputError } from '../../util/errors.js';
import { splitFirstLineNumber } from '../line-reader.js';
import type { TextSplit } from '../text-splits.js';
import type { CsvOptions, ReadMode } from './frame-options.js';

/** Columns decoded from one stretch of input, before partition columns are added. */
export interface RawColumns {
  columns: ColumnVector[];
  rows: number;
}

const SNIPPET = 80;

/**
 * What a text reader does with a malformed line: in `failfast` mode throw an InputError naming the
 * file and the 1-based line number (exact also for splits that start mid-file), in `dropMalformed`
 * mode count it; `finish()` reports the count through `onDropped`.
 */
export class MalformedLines {
  dropped = 0;

  constructor(
    private readonly split: TextSplit,
    private readonly mode: ReadMode,
    private readonly onDropped: ((n: number) => void) | undefined,
  ) {}

  /** `index` is the line's position among the lines of the split (0 = first line the split owns). */
  report(index: number, line: string, reason: string): void {
    if (this.mode === 'dropMalformed') {
      this.dropped++;
      return;
    }
    // Only now pay for reading the file up to the split start to get the absolute line number.
    const lineNo = splitFirstLineNumber(this.split) + index;
    const snippet = line.length > SNIPPET ? `${line.slice(0, SNIPPET)}…` : line;
    throw new InputError(`${this.split.path}:${lineNo}: malformed line (${reason}): ${snippet}`, this.split.path, lineNo);
  }

  finish(): void {
    if (this.dropped > 0) this.onDropped?.(this.dropped);
  }
}

/** Why a CSV record with quotes that do not pair up is malformed (with the hint for line breaks in quotes). */
export function unbalancedQuotes(o: CsvOptions): string {
  return o.multiLine ? 'unbalanced quotes' : 'unbalanced quotes; a quoted field holding a line break needs the option multiLine: true';
}
