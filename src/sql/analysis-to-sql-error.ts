import { AnalysisError } from '../frame/logical/analysis-error.js';
import { findIdentifier, sqlErrorAt } from './sql-error.js';

/**
 * An AnalysisError naming a column (unknown or ambiguous) or a table qualifier,
 * as a SqlError at the first whole-word occurrence of that name in `text`;
 * anything else, or a name not found in the text, is returned unchanged.
 */
export function analysisToSqlError(e: unknown, text: string): unknown {
  if (!(e instanceof AnalysisError) || e.columnName === undefined) return e;
  if (e.kind !== 'column' && e.kind !== 'ambiguous' && e.kind !== 'table') return e;
  const offset = e.kind === 'table' ? findIdentifier(text, e.columnName) : columnOffset(text, e.columnName);
  return offset < 0 ? e : sqlErrorAt(text, offset, e.message, e.suggestion);
}

/** `q.name` is looked for as `name` right after `q.`, then as a bare `name`. */
function columnOffset(text: string, ref: string): number {
  const dot = ref.lastIndexOf('.');
  if (dot < 0) return findIdentifier(text, ref);
  const qualifier = ref.slice(0, dot);
  const name = ref.slice(dot + 1);
  const escaped = qualifier.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const qualified = findIdentifier(text, name, new RegExp(`(^|[^A-Za-z0-9_$])"?${escaped}"?\\s*\\.$`));
  return qualified >= 0 ? qualified : findIdentifier(text, name);
}
