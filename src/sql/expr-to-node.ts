import type { BinaryOp, ExprNode } from '../frame/expr/expr-node.js';
import { errorAt, unsupported, type ExprContext } from './expr-context.js';
import { castType } from './functions.js';
import { aggregateToNode, extractToNode, functionToNode } from './function-to-node.js';
import { negateLiteral, numberLiteral, stringLiteral, temporalLiteral } from './literal-to-node.js';
import { positionOf, type AstNode, type AstPosition } from './parse.js';
import { resolveColumn } from './scope.js';

const BINARY_OPS: Record<string, BinaryOp> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '=': '=',
  '!=': '!=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  AND: 'and',
  OR: 'or',
  '||': '||',
};

/**
 * Translates a node-sql-parser expression into an ExprNode. `pos` is the
 * nearest enclosing location, for errors on nodes that carry none.
 */
export function exprToNode(node: AstNode, ctx: ExprContext, pos?: AstPosition): ExprNode {
  const at = positionOf(node) ?? pos;
  if (node && typeof node === 'object' && 'ast' in node) return subqueryExpr(node, ctx, at);
  switch (node?.type) {
    case 'column_ref':
      return columnRef(node, ctx, at);
    case 'double_quote_string': // a quoted identifier in PostgreSQL
      return resolveColumn(ctx.scope, node.value, undefined);
    case 'number':
    case 'bigint':
      return numberLiteral(node.value);
    case 'bool':
      return { kind: 'literal', value: node.value === true || node.value === 'TRUE', type: 'bool' };
    case 'null':
      return { kind: 'literal', value: null, type: 'null' };
    case 'single_quote_string':
    case 'string':
    case 'natural_string':
      return stringLiteral(unquote(node.value));
    case 'date':
    case 'timestamp':
      return temporal(node, ctx, at);
    case 'binary_expr':
      return binaryExpr(node, ctx, at);
    case 'unary_expr':
      return unaryExpr(node, ctx, at);
    case 'case':
      return caseExpr(node, ctx, at);
    case 'cast':
      return castExpr(node, ctx, at);
    case 'function':
      return functionToNode(node, ctx, at);
    case 'aggr_func':
      return aggregateToNode(node, ctx, at);
    case 'extract':
      return extractToNode(node, ctx, at);
    case 'expr_list':
      if (node.parentheses && node.value?.length === 1) return exprToNode(node.value[0], ctx, at);
      throw unsupported(ctx.text, at, 'row values (a, b, ...)');
    case 'window_func':
      throw unsupported(ctx.text, at, 'window functions (OVER)', /\bover\b/i);
    case 'interval':
      throw unsupported(ctx.text, at, 'INTERVAL literals (use date_add(d, days))', /\binterval\b/i);
    default:
      throw unsupported(ctx.text, at, `expression ${describe(node)}`);
  }
}

/** The text of a single-quoted literal: node-sql-parser keeps `''` escapes as they were written. */
function unquote(value: string): string {
  return String(value).replace(/''/g, "'");
}

function describe(node: AstNode): string {
  if (node?.type === 'default' && typeof node.value === 'string') return `'${node.value}'`;
  return `of type '${String(node?.type)}'`;
}

function columnRef(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const table = node.table;
  const qualifier: string | undefined = table === null || table === undefined ? undefined : typeof table === 'string' ? table : table.value;
  const column = node.column;
  if (column === '*') return qualifier === undefined ? { kind: 'star' } : { kind: 'star', qualifier };
  const name = typeof column === 'string' ? column : column?.expr?.value;
  if (typeof name !== 'string') throw unsupported(ctx.text, at, 'this kind of column reference');
  if (node.schema || node.db) throw unsupported(ctx.text, at, `schema-qualified column ${name}`);
  return resolveColumn(ctx.scope, name, qualifier);
}

function temporal(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const text = unquote(node.value);
  const lit = temporalLiteral(node.type, text);
  if (!lit) throw errorAt(ctx.text, at, `Invalid ${node.type.toUpperCase()} literal '${text}'`, new RegExp(`'${escapeRegExp(text)}'`));
  return lit;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function subqueryExpr(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  if (!ctx.subquery) throw unsupported(ctx.text, at, 'subqueries in this position', /\(\s*select\b/i);
  return { kind: 'scalarSubquery', plan: ctx.subquery(node.ast) };
}

function binaryExpr(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const op: string = String(node.operator).toUpperCase();
  const left = (): ExprNode => exprToNode(node.left, ctx, at);
  switch (op) {
    case 'IN':
    case 'NOT IN':
      return inExpr(left(), node.right, op === 'NOT IN', ctx, at);
    case 'BETWEEN':
    case 'NOT BETWEEN': {
      const arg = left();
      const [lo, hi] = (node.right.value as AstNode[]).map((v) => exprToNode(v, ctx, at));
      const between: ExprNode = { kind: 'binary', op: 'and', left: { kind: 'binary', op: '>=', left: arg, right: lo! }, right: { kind: 'binary', op: '<=', left: arg, right: hi! } };
      return op === 'BETWEEN' ? between : { kind: 'unary', op: 'not', arg: between };
    }
    case 'LIKE':
    case 'NOT LIKE':
    case 'ILIKE':
    case 'NOT ILIKE':
      return likeExpr(left(), node.right, op, ctx, at);
    case 'IS':
    case 'IS NOT':
      return isExpr(left(), node.right, op === 'IS NOT', ctx, at);
  }
  const mapped = BINARY_OPS[op];
  if (!mapped) throw unsupported(ctx.text, at, `operator ${op}`);
  return { kind: 'binary', op: mapped, left: left(), right: exprToNode(node.right, ctx, at) };
}

function inExpr(arg: ExprNode, right: AstNode, negated: boolean, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const values: AstNode[] = right?.type === 'expr_list' ? right.value : [right];
  if (values.length === 1 && values[0] && typeof values[0] === 'object' && 'ast' in values[0]) {
    if (!ctx.subquery) throw unsupported(ctx.text, at, 'subqueries in this position', /\(\s*select\b/i);
    return { kind: 'inSubquery', arg, plan: ctx.subquery(values[0].ast), negated };
  }
  return { kind: 'in', arg, list: values.map((v) => exprToNode(v, ctx, at)), negated };
}

function likeExpr(arg: ExprNode, right: AstNode, op: string, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  if (right?.escape) throw unsupported(ctx.text, at, 'LIKE ... ESCAPE', /\bescape\b/i);
  const pattern = exprToNode(right, ctx, at);
  if (pattern.kind !== 'literal' || typeof pattern.value !== 'string') throw unsupported(ctx.text, at, `${op} with a pattern that is not a string literal`);
  return { kind: 'like', arg, pattern: pattern.value, negated: op.startsWith('NOT'), caseInsensitive: op.endsWith('ILIKE') };
}

/** IS [NOT] NULL, and IS [NOT] TRUE/FALSE (never null: a null operand gives false for IS, true for IS NOT). */
function isExpr(arg: ExprNode, right: AstNode, negated: boolean, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  if (right?.type === 'null') return { kind: 'unary', op: negated ? 'isNotNull' : 'isNull', arg };
  if (right?.type !== 'bool') throw unsupported(ctx.text, at, `IS ${negated ? 'NOT ' : ''}${describe(right)}`);
  const test: ExprNode = right.value ? arg : { kind: 'unary', op: 'not', arg };
  const is: ExprNode = { kind: 'call', fn: 'coalesce', args: [test, { kind: 'literal', value: false, type: 'bool' }] };
  return negated ? { kind: 'unary', op: 'not', arg: is } : is;
}

function unaryExpr(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const op = String(node.operator).toUpperCase();
  if (op === 'NOT EXISTS' || op === 'EXISTS') {
    if (!ctx.subquery || !node.expr?.ast) throw unsupported(ctx.text, at, `${op} in this position`, /\bexists\b/i);
    return { kind: 'exists', plan: ctx.subquery(node.expr.ast), negated: op === 'NOT EXISTS' };
  }
  const arg = exprToNode(node.expr, ctx, at);
  switch (op) {
    case 'NOT':
      return { kind: 'unary', op: 'not', arg };
    case '-':
      return arg.kind === 'literal' && typeof arg.value === 'number' ? negateLiteral(arg) : { kind: 'unary', op: 'neg', arg };
    case '+':
      return arg;
    default:
      throw unsupported(ctx.text, at, `unary operator ${op}`);
  }
}

function caseExpr(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  const base = node.expr ? exprToNode(node.expr, ctx, at) : undefined;
  const branches: Array<{ when: ExprNode; then: ExprNode }> = [];
  let otherwise: ExprNode | undefined;
  for (const arg of node.args as AstNode[]) {
    const then = exprToNode(arg.result, ctx, at);
    if (arg.type === 'else') {
      otherwise = then;
      continue;
    }
    const cond = exprToNode(arg.cond, ctx, at);
    branches.push({ when: base ? { kind: 'binary', op: '=', left: base, right: cond } : cond, then });
  }
  return otherwise ? { kind: 'case', branches, otherwise } : { kind: 'case', branches };
}

function castExpr(node: AstNode, ctx: ExprContext, at: AstPosition | undefined): ExprNode {
  // `x::varchar::int` arrives as one cast node with the targets in order.
  const targets: AstNode[] = Array.isArray(node.target) ? node.target : [node.target];
  let e = exprToNode(node.expr, ctx, at);
  for (const target of targets) {
    const typeName = String(target?.dataType ?? '');
    if (target?.array) throw unsupported(ctx.text, at, `CAST to an array type (${typeName}[])`);
    const to = castType(typeName);
    if (!to) throw unsupported(ctx.text, at, `CAST to type ${typeName}`, new RegExp(`\\b${escapeRegExp(typeName)}\\b`, 'i'));
    e = { kind: 'cast', arg: e, to };
  }
  return e;
}
