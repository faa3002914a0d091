import type { ExprNode } from '../frame/expr/expr-node.js';
import { errorAt } from './expr-context.js';
import { exprToNode } from './expr-to-node.js';
import { parseSql } from './parse.js';
import { SqlError } from './sql-error.js';

const PREFIX = 'SELECT ';

/**
 * Parses one SQL expression (`age > 25 AND city = 'x'`, `price * qty AS total`)
 * for the DataFrame API's `expr()` and `selectExpr()`; an `AS` alias becomes an
 * `alias` node. Subqueries are not allowed. Errors point into `text`.
 */
export function parseExpression(text: string): ExprNode {
  const wrapped = PREFIX + text;
  try {
    const statements = parseSql(wrapped);
    const ast = statements[0];
    if (statements.length !== 1 || ast?.type !== 'select' || ast.from || ast.where || ast._next || ast.columns?.length !== 1) {
      throw errorAt(wrapped, undefined, 'Expected a single expression', /$/);
    }
    const column = ast.columns[0];
    const e = exprToNode(column.expr, { text: wrapped, scope: undefined, subquery: undefined });
    return column.as === null || column.as === undefined ? e : { kind: 'alias', arg: e, name: String(column.as) };
  } catch (err) {
    if (!(err instanceof SqlError)) throw err;
    const column = err.line === 1 ? Math.max(1, err.column - PREFIX.length) : err.column;
    throw new SqlError(err.reason, text, err.line, column, err.suggestion);
  }
}
