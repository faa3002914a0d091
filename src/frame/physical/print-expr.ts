import type { ExprNode } from '../expr/expr-node.js';
import { printExpr } from '../logical/print.js';
import { mapExprDown } from '../logical/expr-utils.js';

/** A bound expression as physical plans print it: the logical form, with each column as `name#index`. */
export function printPlanExpr(e: ExprNode): string {
  return printExpr(mapExprDown(e, (x) => (x.kind === 'column' && x.index !== undefined ? { kind: 'column', name: `${x.name}#${x.index}` } : undefined)));
}
