/**
 * Result comparison for oracle tests: rows from two engines are equal when they have the same
 * columns and values, floats within a tolerance, in the same order or as multisets.
 */
import { AssertionError } from 'node:assert';

export type Row = Record<string, unknown>;

export interface CompareOptions {
  /** Compare row by row in order; otherwise rows are compared as multisets. */
  ordered: boolean;
  /** Relative float tolerance (default 1e-9). */
  relTol?: number;
  /** Absolute float tolerance (default 1e-6). */
  absTol?: number;
  /** Compare list values as multisets (for `collect_list`/`list` whose order is unspecified). */
  unorderedLists?: boolean;
  /** Treat NaN and null as equal (DuckDB's corr/covar give NaN where Spark-like engines give null). */
  nanIsNull?: boolean;
  /** How many mismatches the diff shows (default 5). */
  maxDiffs?: number;
}

export interface CompareResult {
  ok: boolean;
  /** Human-readable description of the first mismatches; empty when ok. */
  diff: string;
}

/** Engine values → comparable JS: bigint → number, typed arrays → arrays, -0 → 0, nested lists too. */
export function normalizeValue(v: unknown): unknown {
  if (v === undefined) return null;
  if (typeof v === 'bigint') return Number(v);
  if (typeof v === 'number') return Object.is(v, -0) ? 0 : v;
  if (Array.isArray(v)) return v.map(normalizeValue);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return Array.from(v as unknown as ArrayLike<number>, normalizeValue);
  return v;
}

function rank(v: unknown): number {
  if (v === null) return 0;
  if (typeof v === 'boolean') return 1;
  if (typeof v === 'number') return 2;
  if (v instanceof Date) return 3;
  if (typeof v === 'string') return 4;
  return 5;
}

/** Total order over normalised values: null < bool < number < Date < string < other (by JSON). */
function compareValues(a: unknown, b: unknown): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  switch (ra) {
    case 0:
      return 0;
    case 1:
      return Number(a) - Number(b);
    case 2: {
      const x = a as number;
      const y = b as number;
      if (Number.isNaN(x) || Number.isNaN(y)) return Number(Number.isNaN(x)) - Number(Number.isNaN(y));
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 3:
      return (a as Date).getTime() - (b as Date).getTime();
    case 4:
      return a! < b! ? -1 : a! > b! ? 1 : 0;
    default: {
      const ja = JSON.stringify(a);
      const jb = JSON.stringify(b);
      return ja < jb ? -1 : ja > jb ? 1 : 0;
    }
  }
}

interface Ctx {
  relTol: number;
  absTol: number;
  unorderedLists: boolean;
  nanIsNull: boolean;
}

function prepare(v: unknown, ctx: Ctx): unknown {
  const n = normalizeValue(v);
  if (ctx.nanIsNull && typeof n === 'number' && Number.isNaN(n)) return null;
  return ctx.unorderedLists && Array.isArray(n) ? [...n].sort(compareValues) : n;
}

function valuesEqual(a: unknown, b: unknown, ctx: Ctx): boolean {
  if (typeof a === 'number' && typeof b === 'number') {
    if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
    if (a === b) return true;
    const d = Math.abs(a - b);
    return d <= ctx.absTol || d <= ctx.relTol * Math.max(Math.abs(a), Math.abs(b));
  }
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => valuesEqual(x, b[i], ctx));
  return a === b;
}

function show(v: unknown): string {
  if (v instanceof Date) return v.toISOString();
  if (typeof v === 'string') return JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(show).join(', ')}]`;
  return String(v);
}

function showRow(r: Row, cols: string[]): string {
  return `{ ${cols.map((c) => `${c}: ${show(r[c])}`).join(', ')} }`;
}

/**
 * Compares two result sets. Columns must match by name (order ignored); values match exactly except
 * floats (within `relTol` relative or `absTol` absolute) and Dates (by time). Unordered comparison
 * sorts both sides by every column and merges, so the diff names missing and unexpected rows.
 */
export function compareRows(actual: readonly Row[], expected: readonly Row[], opts: CompareOptions): CompareResult {
  const ctx: Ctx = { relTol: opts.relTol ?? 1e-9, absTol: opts.absTol ?? 1e-6, unorderedLists: opts.unorderedLists ?? false, nanIsNull: opts.nanIsNull ?? false };
  const max = opts.maxDiffs ?? 5;
  const colsA = actual.length ? Object.keys(actual[0]).sort() : [];
  const colsE = expected.length ? Object.keys(expected[0]).sort() : [];
  if (actual.length && expected.length && colsA.join(',') !== colsE.join(',')) {
    return { ok: false, diff: `columns differ: actual [${colsA.join(', ')}], expected [${colsE.join(', ')}]` };
  }
  const cols = colsE.length ? colsE : colsA;
  const prep = (rows: readonly Row[]): Row[] => rows.map((r) => Object.fromEntries(cols.map((c) => [c, prepare(r[c], ctx)])));
  const a = prep(actual);
  const e = prep(expected);
  const rowEq = (x: Row, y: Row): boolean => cols.every((c) => valuesEqual(x[c], y[c], ctx));
  const lines: string[] = [];
  let bad = 0;
  if (opts.ordered) {
    for (let i = 0; i < Math.max(a.length, e.length); i++) {
      if (i < a.length && i < e.length && rowEq(a[i], e[i])) continue;
      if (bad++ < max) {
        lines.push(`row ${i}:`);
        lines.push(`  actual   ${i < a.length ? showRow(a[i], cols) : '(missing)'}`);
        lines.push(`  expected ${i < e.length ? showRow(e[i], cols) : '(missing)'}`);
      }
    }
  } else {
    const byAll = (x: Row, y: Row): number => {
      for (const c of cols) {
        const d = compareValues(x[c], y[c]);
        if (d !== 0) return d;
      }
      return 0;
    };
    a.sort(byAll);
    e.sort(byAll);
    let i = 0;
    let j = 0;
    while (i < a.length || j < e.length) {
      if (i < a.length && j < e.length && rowEq(a[i], e[j])) {
        i++;
        j++;
        continue;
      }
      const extra = j >= e.length || (i < a.length && byAll(a[i], e[j]) < 0);
      if (bad++ < max) lines.push(extra ? `unexpected ${showRow(a[i], cols)}` : `missing    ${showRow(e[j], cols)}`);
      if (extra) i++;
      else j++;
    }
  }
  if (bad === 0) return { ok: true, diff: '' };
  const head = `${bad} mismatch(es); actual ${a.length} rows, expected ${e.length} rows${opts.ordered ? ' (ordered)' : ' (as multisets)'}`;
  return { ok: false, diff: [head, ...lines, ...(bad > max ? [`... and ${bad - max} more`] : [])].join('\n') };
}

/** `compareRows` that throws an AssertionError carrying the diff (and `label`, e.g. the query). */
export function assertRowsEqual(actual: readonly Row[], expected: readonly Row[], opts: CompareOptions, label = ''): void {
  const r = compareRows(actual, expected, opts);
  if (!r.ok) throw new AssertionError({ message: `${label ? label + '\n' : ''}${r.diff}` });
}
