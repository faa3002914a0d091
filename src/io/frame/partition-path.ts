import { VectorBuilder } from '../../frame/batch/builder.js';
import type { ColumnVector } from '../../frame/batch/vector.js';
import type { DataType } from '../../frame/types.js';
import { InputError } from '../../util/errors.js';
import { BAD, textParser } from './value-parsers.js';

/** Hive's folder name for a null partition value. */
export const DEFAULT_PARTITION = '__HIVE_DEFAULT_PARTITION__';

// Characters Hive escapes in partition folder names (as %XX).
const ESCAPED = /[\x00-\x1f"#%'*/:=?\\\x7f{}[\]^]/g;

/** A partition value as a folder name component (`col=<this>`); null → the default partition. */
export function escapePartitionValue(v: string | null): string {
  if (v === null || v === '') return DEFAULT_PARTITION;
  return v.replace(ESCAPED, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Inverse of {@link escapePartitionValue}. */
export function unescapePartitionValue(s: string): string | null {
  if (s === DEFAULT_PARTITION) return null;
  return s.replace(/%([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

/** The typed value of a raw partition value (for vectors and for pruning); throws when it does not parse. */
export function partitionValue(raw: string | null, type: DataType, column: string, file: string): unknown {
  if (raw === null) return null;
  const v = textParser(type)?.(raw) ?? BAD;
  if (v === BAD) throw new InputError(`partition folder ${column}=${raw} of ${file}: not a ${String(type)} value`, file);
  return v;
}

/** A column of `rows` copies of one value (the partition value of every row of a file). */
export function constantVector(type: DataType, value: unknown, rows: number): ColumnVector {
  const b = new VectorBuilder(type, rows);
  for (let i = 0; i < rows; i++) b.append(value);
  return b.finish();
}
