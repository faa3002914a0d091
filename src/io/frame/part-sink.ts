import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import type { Schema } from '../../frame/types.js';

/** Writes the batches of one output file. `close()` finishes the file and returns its size in bytes. */
export interface PartSink {
  write(batch: ColumnBatch): void;
  close(): number;
  /** Closes and deletes the partial file (after a failure). */
  abort(): void;
}

/** Opens a sink for `file` whose batches have `schema`. */
export type SinkFactory = (file: string, schema: Schema) => PartSink;

const FLUSH_CHARS = 1024 * 1024;

/** A buffered text file: lines are appended and flushed in ~1 MiB writes. */
export class TextFile {
  private readonly fd: number;
  private pending: string[] = [];
  private chars = 0;
  private bytes = 0;

  constructor(private readonly file: string) {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    this.fd = fs.openSync(file, 'w');
  }

  /** Appends `text` as is (callers include the '\n's). */
  append(text: string): void {
    this.pending.push(text);
    this.chars += text.length;
    if (this.chars >= FLUSH_CHARS) this.flush();
  }

  close(): number {
    this.flush();
    fs.closeSync(this.fd);
    return this.bytes;
  }

  abort(): void {
    try {
      fs.closeSync(this.fd);
    } catch {
      // already closed
    }
    fs.rmSync(this.file, { force: true });
  }

  private flush(): void {
    if (this.pending.length === 0) return;
    const buf = Buffer.from(this.pending.join(''), 'utf8');
    this.pending = [];
    this.chars = 0;
    for (let off = 0; off < buf.length; ) off += fs.writeSync(this.fd, buf, off, buf.length - off);
    this.bytes += buf.length;
  }
}
