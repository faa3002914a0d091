/**
 * Comparing two engines' answers to one query: rows (in order when the query's ORDER BY determines
 * it, as multisets otherwise; floats within a tolerance; NULLs equal to NULLs) or errors.
 */
import { compareRows, type Row } from '../../frame/oracle/compare-rows.js';

/** What an engine answered: rows, or an error message. */
export type Outcome = { rows: Row[] } | { error: string };

/** How two outcomes differ: `rows` (both ran), `error-a` (only the first failed), `error-b`; undefined when they agree. */
export type Difference = { kind: 'rows' | 'error-a' | 'error-b'; diff: string };

const REL_TOL = 1e-9;
const ABS_TOL = 1e-9;

/** Both failing counts as agreement: the query is outside what the engines share (or both reject it). */
export function compareOutcomes(a: Outcome, b: Outcome, ordered: boolean): Difference | undefined {
  if ('error' in a && 'error' in b) return undefined;
  if ('error' in a) return { kind: 'error-a', diff: `first failed: ${a.error}` };
  if ('error' in b) return { kind: 'error-b', diff: `second failed: ${b.error}` };
  const r = compareRows(a.rows, b.rows, { ordered, relTol: REL_TOL, absTol: ABS_TOL, maxDiffs: 6 });
  return r.ok ? undefined : { kind: 'rows', diff: r.diff };
}

/** A short printable form of an outcome (first rows only). */
export function showOutcome(o: Outcome, maxRows = 12): string {
  if ('error' in o) return `ERROR ${o.error}`;
  const show = (v: unknown): string => (v instanceof Date ? v.toISOString() : typeof v === 'string' ? JSON.stringify(v) : String(v));
  const lines = o.rows.slice(0, maxRows).map((r) => `  {${Object.entries(r).map(([k, v]) => `${k}: ${show(v)}`).join(', ')}}`);
  if (o.rows.length > maxRows) lines.push(`  ... ${o.rows.length - maxRows} more`);
  return `${o.rows.length} row(s)${lines.length ? '\n' + lines.join('\n') : ''}`;
}

/** The first line of an error, which identifies it across shrinking steps. */
export function errorKey(o: Outcome): string {
  return 'error' in o ? o.error.split('\n')[0]!.replace(/\d+/g, 'N').slice(0, 80) : '';
}
