import * as fs from 'node:fs';
import { Table, tableFromIPC } from 'apache-arrow';
import { fromArrowTable } from '../../frame/batch/arrow.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import { InputError, SluiceError } from '../../util/errors.js';
import { openInput, type Confinement } from '../input-file.js';
import { isGzipPath } from '../text-splits.js';

/** Reads an Arrow IPC file or stream whole (record batches are then converted one at a time). */
export function readArrowFile(path: string, confine?: Confinement): Table {
  if (isGzipPath(path)) throw new InputError(`${path}: compressed Arrow IPC files are not supported`, path);
  let fd: number | undefined;
  try {
    fd = openInput(path, confine);
    return tableFromIPC(fs.readFileSync(fd));
  } catch (e) {
    if (e instanceof SluiceError) throw e;
    throw new InputError(`${path}: not a readable Arrow IPC file or stream: ${(e as Error).message}`, path);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** Record batch `index` of an Arrow table as a ColumnBatch (all of its columns). */
export function arrowBatch(table: Table, index: number, path: string): ColumnBatch {
  const rb = table.batches[index];
  if (!rb) throw new InputError(`${path}: no record batch ${index}`, path);
  return fromArrowTable(new Table(table.schema, [rb])).batches[0]!;
}
