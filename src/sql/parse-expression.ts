import type { ExprNode } from '../frame/expr/expr-node.js';
import { errorAt } from './expr-context.js';
import { exprToNode } from './expr-to-node.js';
import { parseSql } from './parse.js';
import { nodeAs } from './pg-ast.js';
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
    const select = statements.length === 1 ? nodeAs(statements[0], 'SelectStmt') : undefined;
    const only = select?.targetList?.length === 1 && !select.fromClause && !select.whereClause && select.op === 'SETOP_NONE' ? nodeAs(select.targetList[0], 'ResTarget') : undefined;
    if (!select || !only || select.groupClause || select.sortClause || select.limitCount || select.limitOffset || select.distinctClause || select.havingClause) {
      throw errorAt(wrapped, undefined, 'Expected a single expression', /$/);
    }
    const e = exprToNode(only.val, { text: wrapped, scope: undefined, subquery: undefined }, only.location);
    return only.name === undefined ? e : { kind: 'alias', arg: e, name: only.name };
  } catch (err) {
    if (!(err instanceof SqlError)) throw err;
    const column = err.line === 1 ? Math.max(1, err.column - PREFIX.length) : err.column;
    throw new SqlError(err.reason, text, err.line, column, err.suggestion);
  }
}
