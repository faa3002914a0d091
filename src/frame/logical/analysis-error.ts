import { DeterministicError } from '../../util/errors.js';
import type { ColumnRef, ScopeField } from './scope.js';

export type AnalysisErrorKind = 'column' | 'table' | 'type' | 'aggregate' | 'ambiguous';

/** A plan that cannot be resolved: unknown or ambiguous names, type mismatches, misplaced aggregates. */
export class AnalysisError extends DeterministicError {
  override name = 'AnalysisError';
  readonly kind: AnalysisErrorKind;
  /** The column, table or expression at fault. */
  readonly columnName?: string;
  /** The closest existing name, when one is close enough to be a likely typo. */
  readonly suggestion?: string;
  constructor(kind: AnalysisErrorKind, message: string, details: { name?: string; suggestion?: string } = {}) {
    super(message);
    this.kind = kind;
    if (details.name !== undefined) this.columnName = details.name;
    if (details.suggestion !== undefined) this.suggestion = details.suggestion;
  }
}

const refText = (r: ColumnRef): string => (r.qualifier ? `${r.qualifier}.${r.name}` : r.name);
const fieldText = (f: ScopeField): string => (f.qualifiers[0] ? `${f.qualifiers[0]}.${f.name}` : f.name);

/** The error for a reference that matches no column of `scope`. */
export function unknownColumn(ref: ColumnRef, scope: ScopeField[]): AnalysisError {
  const qualifiers = new Set(scope.flatMap((f) => f.qualifiers));
  if (ref.qualifier !== undefined && !qualifiers.has(ref.qualifier)) {
    const suggestion = closest(ref.qualifier, [...qualifiers]);
    const hint = suggestion ? ` did you mean "${suggestion}"?` : '';
    const known = qualifiers.size > 0 ? [...qualifiers].join(', ') : '(none)';
    return new AnalysisError('table', `unknown table "${ref.qualifier}" in ${refText(ref)};${hint} available tables: ${known}`, {
      name: ref.qualifier,
      ...(suggestion ? { suggestion } : {}),
    });
  }
  const candidates = scope.filter((f) => ref.qualifier === undefined || f.qualifiers.includes(ref.qualifier)).map((f) => f.name);
  const suggestion = closest(ref.name, candidates);
  const hint = suggestion ? ` did you mean "${suggestion}"?` : '';
  return new AnalysisError('column', `column "${refText(ref)}" not found;${hint} available columns: ${scope.map(fieldText).join(', ')}`, {
    name: refText(ref),
    ...(suggestion ? { suggestion } : {}),
  });
}

/** The error for an unqualified reference that several columns (of different tables) match. */
export function ambiguousColumn(ref: ColumnRef, scope: ScopeField[], hits: number[]): AnalysisError {
  const options = hits.map((i) => fieldText(scope[i]!));
  return new AnalysisError('ambiguous', `column "${refText(ref)}" is ambiguous: it could be ${options.join(' or ')}; qualify it with its table`, {
    name: refText(ref),
  });
}

/** The candidate equal ignoring case, else the nearest within edit distance 2, else undefined. */
export function closest(name: string, candidates: string[]): string | undefined {
  const lower = name.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase !== undefined) return sameCase;
  let best: string | undefined;
  let bestDist = 3;
  for (const c of candidates) {
    const d = levenshtein(lower, c.toLowerCase());
    if (d < bestDist) [best, bestDist] = [c, d];
  }
  return best;
}

/** Edit distance (insertions, deletions, substitutions), two rows of memory. */
export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[b.length]!;
}
