import { Expr } from '../../frame/expr/expr-builder.js';
import { parseExpression } from '../../sql/parse-expression.js';

/**
 * An expression written in SQL: `df.filter(expr("age > 25 AND city = 'x'"))`,
 * `df.withColumn('y', expr('x * 2 + 1'))`.
 */
export function expr(sql: string): Expr {
  return new Expr(parseExpression(sql));
}
