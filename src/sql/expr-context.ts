import type { LogicalPlan } from '../frame/logical/plan.js';
import type { Node } from './pg-ast.js';
import type { Catalog } from './catalog.js';
import { SqlError, sqlErrorAt } from './sql-error.js';
import type { Scope } from './scope.js';

/** What translating an expression needs besides the parse tree. */
export interface ExprContext {
  /** The whole SQL text, for error positions. */
  text: string;
  /** Names visible to the expression (undefined: no resolution, as for `parseExpression`). */
  scope: Scope | undefined;
  /** Plans a subquery with `scope` as its outer scope; undefined where subqueries are not allowed. */
  subquery: ((stmt: Node) => LogicalPlan) | undefined;
  /** Where registered UDFs are found (none without it). */
  catalog?: Pick<Catalog, 'udf'>;
}

/**
 * A SqlError for a construct we do not support, at offset `pos` of the text or
 * else at the first match of `keyword` (some nodes carry no location).
 */
export function unsupported(text: string, pos: number | undefined, what: string, keyword?: RegExp): SqlError {
  return errorAt(text, pos, `Unsupported SQL: ${what}`, keyword);
}

/** A SqlError at offset `pos`, or at the first match of `keyword`, or at the start of the text. */
export function errorAt(text: string, pos: number | undefined, reason: string, keyword?: RegExp): SqlError {
  if (pos !== undefined) return sqlErrorAt(text, pos, reason);
  const found = keyword ? text.search(keyword) : -1;
  return sqlErrorAt(text, Math.max(0, found), reason);
}
