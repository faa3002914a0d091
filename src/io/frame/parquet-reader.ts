import * as fs from 'node:fs';
import { parquetSchema, type DecodedArray, type FileMetaData } from 'hyparquet';
import { readColumn } from 'hyparquet/src/column.js';
import { getTreePath } from 'hyparquet/src/schema.js';
import { VectorBuilder } from '../../frame/batch/builder.js';
import type { ColumnVector } from '../../frame/batch/vector.js';
import type { Field } from '../../frame/types.js';
import { InputError } from '../../util/errors.js';
import { openInput, type Confinement } from '../input-file.js';
import { PARQUET_PARSERS } from './parquet-meta.js';
import { decodeFlatChunk, fastParquetColumn, PARQUET_COMPRESSORS } from './parquet-pages.js';
import type { PartitionStrings } from './parquet-strings.js';

const utf8 = new TextDecoder();

/*
 * Row groups are decoded synchronously (BatchStream is a synchronous iterable): the bytes of each
 * needed column chunk are read with one readSync and handed to hyparquet's page decoder, so only the
 * requested row group and columns are ever read from disk.
 */

/**
 * Decodes the columns `fields` (top-level, flat) of row group `rg` of the Parquet file at `path`.
 * With `strings`, string chunks that are not wholly dictionary-encoded code into the partition's
 * shared dictionaries (their vectors then await `strings.seal`).
 */
export function readParquetRowGroup(path: string, md: FileMetaData, rg: number, fields: readonly Field[], confine?: Confinement, strings?: PartitionStrings): ColumnVector[] {
  const group = md.row_groups[rg];
  if (!group) throw new InputError(`${path}: no row group ${rg}`, path);
  const rows = Number(group.num_rows);
  if (fields.length === 0) return [];
  const tree = parquetSchema(md);
  const fd = openInput(path, confine);
  try {
    return fields.map((f) => {
      const chunk = group.columns.find((c) => c.meta_data?.path_in_schema.length === 1 && c.meta_data.path_in_schema[0] === f.name);
      const meta = chunk?.meta_data;
      if (!meta) throw new InputError(`${path}: row group ${rg} has no column ${f.name}`, path);
      const start = Number(meta.dictionary_page_offset ?? meta.data_page_offset);
      const len = Number(meta.total_compressed_size);
      const bytes = new Uint8Array(len);
      if (fs.readSync(fd, bytes, 0, len, start) !== len) throw new InputError(`${path}: truncated column chunk ${f.name} in row group ${rg}`, path);
      const schemaPath = getTreePath(tree, meta.path_in_schema);
      const decoder = {
        pathInSchema: meta.path_in_schema,
        element: schemaPath[schemaPath.length - 1]!.element,
        schemaPath,
        type: meta.type,
        codec: meta.codec,
        parsers: PARQUET_PARSERS,
        compressors: PARQUET_COMPRESSORS,
      };
      const view = { view: new DataView(bytes.buffer), offset: 0 };
      try {
        if (fastParquetColumn(f.type, decoder.element)) return decodeFlatChunk(bytes, rows, f.type, decoder, f.type === 'string' ? strings?.coding(f.name) : undefined);
        return toVector(f, readColumn(view, { groupStart: 0, selectStart: 0, selectEnd: rows, groupRows: rows }, decoder).data, rows);
      } catch (e) {
        throw new InputError(`${path}: cannot decode column ${f.name} of row group ${rg}: ${(e as Error).message}`, path);
      }
    });
  } finally {
    fs.closeSync(fd);
  }
}

/** Decoded page values (numbers, bigints, strings, byte arrays, null/undefined) → one vector of `rows` rows. */
function toVector(f: Field, chunks: DecodedArray[], rows: number): ColumnVector {
  const b = new VectorBuilder(f.type, rows);
  const t = f.type;
  for (const chunk of chunks) {
    const n = chunk.length;
    for (let i = 0; i < n && b.length < rows; i++) {
      const v: unknown = chunk[i];
      if (v === null || v === undefined) b.appendNull();
      else if (typeof v === 'bigint') b.append(Number(v));
      else if (v instanceof Uint8Array) b.append(utf8.decode(v));
      else if (v instanceof Date) b.append(t === 'date' ? Math.floor(v.getTime() / 86400000) : v.getTime());
      else b.append(v);
    }
  }
  // Columns shorter than the row group (should not happen) are padded so the batch stays rectangular.
  while (b.length < rows) b.appendNull();
  return b.finish();
}
