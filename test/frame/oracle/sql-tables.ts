/**
 * Small generated tables with nulls in every column type, for the SQL oracle suite:
 * `t` (unique id, group keys, ints, floats, bools, dates, strings), `u` (a second fact table whose
 * `id` has duplicates and nulls, for joins) and `v` (a tiny dimension table keyed by `grp`).
 */
import type { ScalarType } from '../../../src/frame/types.js';
import { Rng } from './random.js';

export interface SqlTable {
  data: Record<string, unknown[]>;
  schema: Record<string, ScalarType>;
}

const GROUPS = ['a', 'b', 'c', 'd'];
const WORDS = ['apple', 'banana', 'cherry', 'date', 'elder', 'fig', 'Grape', 'kiwi'];
const DAY = 86_400_000;
const START = Date.UTC(2024, 0, 1);

function gen(rng: Rng, n: number, nullRate: number, value: () => unknown): unknown[] {
  return Array.from({ length: n }, () => (rng.float() < nullRate ? null : value()));
}

/** The three tables, deterministic for a seed. */
export function sqlTables(seed = 42): Record<'t' | 'u' | 'v', SqlTable> {
  const rng = new Rng(seed);
  const n = 120;
  const grp = gen(rng, n, 0.1, () => GROUPS[rng.below(GROUPS.length)]);
  const t: SqlTable = {
    schema: { id: 'int32', grp: 'string', gcode: 'int32', a: 'int32', b: 'float64', flag: 'bool', d: 'date', s: 'string' },
    data: {
      id: Array.from({ length: n }, (_, i) => i + 1),
      grp,
      // gcode is a function of grp, so first()/last() per grp are deterministic.
      gcode: grp.map((g) => (g === null ? null : GROUPS.indexOf(g as string) + 1)),
      a: gen(rng, n, 0.15, () => rng.below(21)),
      b: gen(rng, n, 0.15, () => Math.round((rng.float() * 100 - 50) * 100) / 100),
      flag: gen(rng, n, 0.15, () => rng.float() < 0.5),
      d: gen(rng, n, 0.1, () => new Date(START + rng.below(91) * DAY)),
      s: gen(rng, n, 0.1, () => WORDS[rng.below(WORDS.length)]),
    },
  };
  const m = 60;
  const u: SqlTable = {
    schema: { id: 'int32', grp: 'string', w: 'float64', d: 'date' },
    data: {
      id: gen(rng, m, 0.1, () => rng.below(150) + 1),
      grp: gen(rng, m, 0.1, () => GROUPS[rng.below(GROUPS.length)]),
      w: gen(rng, m, 0.1, () => Math.round(rng.float() * 1000) / 10),
      d: gen(rng, m, 0.1, () => new Date(START + rng.below(91) * DAY)),
    },
  };
  const v: SqlTable = {
    schema: { grp: 'string', label: 'string', weight: 'int32' },
    data: { grp: ['a', 'b', 'c', 'x', null], label: ['Alpha', 'Beta', 'Gamma', 'Ex', 'Null'], weight: [1, 2, 3, 4, 5] },
  };
  return { t, u, v };
}
