import type { ColumnBatch } from '../../frame/batch/vector.js';
import type { Schema } from '../../frame/types.js';
import { jsonCell, textCell } from './cell-format.js';
import { TextFile, type PartSink } from './part-sink.js';

/** CSV output options. */
export interface CsvWriteOptions {
  header?: boolean;
  delimiter?: string;
}

/**
 * Quotes a CSV field when it holds the delimiter, a quote, a line break or edge spaces (doubling the
 * quotes). An empty string is written `""` so that it reads back as an empty string, not as null.
 */
function csvField(s: string, delimiter: string): string {
  if (s.length === 0) return '""';
  if (s.includes(delimiter) || s.includes('"') || s.includes('\n') || s.includes('\r') || s[0] === ' ' || s[s.length - 1] === ' ') {
    return `"${s.replace(/"/g, '""')}"`;
  }
  return s;
}

/** A CSV part file: an optional header line, then one line per row; nulls are empty fields. */
export function csvSink(file: string, schema: Schema, o: CsvWriteOptions): PartSink {
  const delimiter = o.delimiter ?? ',';
  const out = new TextFile(file);
  if (o.header ?? true) out.append(schema.fields.map((f) => csvField(f.name, delimiter)).join(delimiter) + '\n');
  return {
    write(batch: ColumnBatch): void {
      const cells = batch.columns.map(textCell);
      const lines = new Array<string>(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) {
        let line = '';
        for (let c = 0; c < cells.length; c++) {
          const s = cells[c]!(i);
          if (c > 0) line += delimiter;
          if (s !== null) line += csvField(s, delimiter);
        }
        lines[i] = line;
      }
      if (lines.length > 0) out.append(lines.join('\n') + '\n');
    },
    close: () => out.close(),
    abort: () => out.abort(),
  };
}

/** A JSON lines part file: one object per row, with every column (nulls included). */
export function jsonLinesSink(file: string, schema: Schema): PartSink {
  const out = new TextFile(file);
  const keys = schema.fields.map((f, c) => `${c === 0 ? '{' : ','}${JSON.stringify(f.name)}:`);
  return {
    write(batch: ColumnBatch): void {
      const cells = batch.columns.map(jsonCell);
      const lines = new Array<string>(batch.numRows);
      for (let i = 0; i < batch.numRows; i++) {
        let line = cells.length === 0 ? '{' : '';
        for (let c = 0; c < cells.length; c++) line += keys[c]! + cells[c]!(i);
        lines[i] = line + '}';
      }
      if (lines.length > 0) out.append(lines.join('\n') + '\n');
    },
    close: () => out.close(),
    abort: () => out.abort(),
  };
}
