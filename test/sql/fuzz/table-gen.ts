/**
 * Random tables for the SQL fuzzer: a few columns of every type sluice supports, each with its own
 * null rate (up to all NULL), values from small domains so joins match and groups repeat, random
 * row counts (0 and 1 included) and partition counts.
 */
import type { ScalarType } from '../../../src/frame/types.js';
import { Rng } from '../../frame/oracle/random.js';

export const TYPES: readonly ScalarType[] = ['bool', 'int32', 'int64', 'float64', 'string', 'date', 'timestamp'];

/** Column-name prefix per type, so a query reads as what it does (`t1.i0 + t2.l1`). */
const PREFIX: Record<ScalarType, string> = { bool: 'b', int32: 'i', int64: 'l', float64: 'f', string: 's', date: 'd', timestamp: 'ts' };

export interface FuzzColumn {
  name: string;
  type: ScalarType;
}

export interface FuzzTable {
  name: string;
  columns: FuzzColumn[];
  data: Record<string, unknown[]>;
  partitions: number;
}

export const WORDS = ['', 'a', 'A', 'ab', 'abc', 'b', 'ba', 'xyz', 'a b', 'hello', 'Hello'];
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);
const ROW_COUNTS = [0, 1, 1, 2, 3, 5, 8, 13, 21, 40];
const NULL_RATES = [0, 0, 0.1, 0.3, 0.5, 0.9, 1];

/** A random value of `type` (never null). */
export function randomValue(rng: Rng, type: ScalarType): unknown {
  switch (type) {
    case 'bool':
      return rng.float() < 0.5;
    case 'int32':
      return rng.below(16) - 5;
    case 'int64':
      return rng.float() < 0.1 ? 2 ** 40 + rng.below(3) : rng.below(16) - 5;
    case 'float64':
      return rng.float() < 0.1 ? [0.1, -0.5, 1e6, 0.3][rng.below(4)] : (rng.below(41) - 20) / 4;
    case 'string':
      return WORDS[rng.below(WORDS.length)];
    case 'date':
      return new Date(START + (rng.below(10) - 3) * DAY);
    case 'timestamp':
      return new Date(START + rng.below(8) * 6 * 3_600_000 + (rng.float() < 0.2 ? 1500 : 0));
  }
}

/**
 * One table: an int32 column always (a common join key), then 2..6 columns of random types. Column
 * names end with `suffix` (the table's letter), so different tables share no column name.
 */
export function randomTable(rng: Rng, name: string, suffix: string): FuzzTable {
  const types: ScalarType[] = ['int32'];
  const extra = 2 + rng.below(5);
  for (let i = 0; i < extra; i++) types.push(TYPES[rng.below(TYPES.length)]!);
  const seen = new Map<ScalarType, number>();
  const columns = types.map((type): FuzzColumn => {
    const n = seen.get(type) ?? 0;
    seen.set(type, n + 1);
    return { name: `${PREFIX[type]}${n}${suffix}`, type };
  });
  const rows = ROW_COUNTS[rng.below(ROW_COUNTS.length)]!;
  const data: Record<string, unknown[]> = {};
  for (const c of columns) {
    const nullRate = NULL_RATES[rng.below(NULL_RATES.length)]!;
    data[c.name] = Array.from({ length: rows }, () => (rng.float() < nullRate ? null : randomValue(rng, c.type)));
  }
  return { name, columns, data, partitions: 1 + rng.below(4) };
}

/** `count` tables named t0, t1, ... */
export function randomTables(rng: Rng, count: number): FuzzTable[] {
  return Array.from({ length: count }, (_, i) => randomTable(rng, `t${i}`, String.fromCharCode(97 + i)));
}

export function schemaOf(t: FuzzTable): Record<string, ScalarType> {
  return Object.fromEntries(t.columns.map((c) => [c.name, c.type]));
}
