import * as fs from 'node:fs';
import * as path from 'node:path';
import { tableToIPC } from 'apache-arrow';
import { toArrowTable } from '../../frame/batch/arrow.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import type { Schema } from '../../frame/types.js';
import type { PartSink } from './part-sink.js';

/** An Arrow IPC file part: batches are held until `close()` and written as one IPC file (one record batch each). */
export function arrowSink(file: string, schema: Schema): PartSink {
  const batches: ColumnBatch[] = [];
  return {
    write(batch: ColumnBatch): void {
      if (batch.numRows > 0) batches.push(batch);
    },
    close(): number {
      const bytes = tableToIPC(toArrowTable(schema, batches), 'file');
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, bytes);
      return bytes.length;
    },
    abort(): void {
      fs.rmSync(file, { force: true });
    },
  };
}
