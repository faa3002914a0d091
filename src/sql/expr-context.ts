import type { LogicalPlan } from '../frame/logical/plan.js';
import { SqlError, sqlErrorAt } from './sql-error.js';
import type { AstNode, AstPosition } from './parse.js';
import type { Scope } from './scope.js';

/** What translating an expression needs besides the AST. */
export interface ExprContext {
  /** The whole SQL text, for error positions. */
  text: string;
  /** Names visible to the expression (undefined: no resolution, as for `parseExpression`). */
  scope: Scope | undefined;
  /** Plans a subquery with `scope` as its outer scope; undefined where subqueries are not allowed. */
  subquery: ((ast: AstNode) => LogicalPlan) | undefined;
}

/**
 * A SqlError for a construct we do not support, at `pos` or else at the first
 * match of `keyword` in the text (most AST nodes carry no location).
 */
export function unsupported(text: string, pos: AstPosition | undefined, what: string, keyword?: RegExp): SqlError {
  return errorAt(text, pos, `Unsupported SQL: ${what}`, keyword);
}

/** A SqlError at `pos`, or at the first match of `keyword`, or at the start of the text. */
export function errorAt(text: string, pos: AstPosition | undefined, reason: string, keyword?: RegExp): SqlError {
  if (pos) return new SqlError(reason, text, pos.line, pos.column);
  const found = keyword ? text.search(keyword) : -1;
  return sqlErrorAt(text, Math.max(0, found), reason);
}
