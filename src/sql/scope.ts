import type { ExprNode } from '../frame/expr/expr-node.js';
import type { OutputColumn } from './output-columns.js';

/**
 * The names a query's FROM clause makes visible, linked to the enclosing
 * query's scope. Used to turn references to the enclosing query inside a
 * subquery into `outer` nodes.
 */
export interface Scope {
  /** The FROM clause's output columns, or undefined when they cannot be known before analysis. */
  columns: OutputColumn[] | undefined;
  /** Table names and aliases usable as qualifiers. */
  qualifiers: Set<string>;
  parent: Scope | undefined;
}

/**
 * A column reference resolved against `scope`: a local `column` unless the name
 * is known not to be local and an enclosing scope has it (then `outer`).
 * Names found nowhere stay local columns, for the analyzer to report.
 */
export function resolveColumn(scope: Scope | undefined, name: string, qualifier: string | undefined): ExprNode {
  const local: ExprNode = qualifier === undefined ? { kind: 'column', name } : { kind: 'column', name, qualifier };
  if (!scope?.parent || isLocal(scope, name, qualifier) !== false) return local;
  for (let s: Scope | undefined = scope.parent; s; s = s.parent) {
    if (isLocal(s, name, qualifier)) return qualifier === undefined ? { kind: 'outer', name } : { kind: 'outer', name, qualifier };
  }
  return local;
}

/** true / false when the scope does / does not have the column; undefined when unknown. */
function isLocal(scope: Scope, name: string, qualifier: string | undefined): boolean | undefined {
  if (qualifier !== undefined) {
    if (!scope.qualifiers.has(qualifier)) return false;
    return scope.columns ? scope.columns.some((c) => c.name === name && c.qualifier === qualifier) || undefined : true;
  }
  if (!scope.columns) return undefined;
  return scope.columns.some((c) => c.name === name);
}
