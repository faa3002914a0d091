import type { BinaryOp, ExprNode } from '../frame/expr/expr-node.js';
import { errorAt, unsupported, type ExprContext } from './expr-context.js';
import { castType } from './functions.js';
import { functionToNode } from './function-to-node.js';
import { negateLiteral, numberLiteral, stringLiteral, temporalLiteral } from './literal-to-node.js';
import { locationOf, nameList, nodeAs, stringOf, tagged, type A_Const, type A_Expr, type BoolExpr, type CaseExpr, type ColumnRef, type Node, type SubLink, type TypeCast } from './pg-ast.js';
import { resolveColumn } from './scope.js';

const BINARY_OPS: Record<string, BinaryOp> = {
  '+': '+',
  '-': '-',
  '*': '*',
  '/': '/',
  '%': '%',
  '=': '=',
  '<>': '!=',
  '<': '<',
  '<=': '<=',
  '>': '>',
  '>=': '>=',
  '||': '||',
};

const FALSE: ExprNode = { kind: 'literal', value: false, type: 'bool' };

/**
 * Translates a PostgreSQL expression node into an ExprNode. `pos` is the
 * nearest enclosing location, for errors on nodes that carry none.
 */
export function exprToNode(node: Node | undefined, ctx: ExprContext, pos?: number): ExprNode {
  if (node === undefined) throw errorAt(ctx.text, pos, 'Missing expression');
  const at = locationOf(node) ?? pos;
  const t = tagged(node);
  switch (t.tag) {
    case 'ColumnRef':
      return columnRef(t.node, ctx, at);
    case 'A_Const':
      return constant(t.node, ctx, at);
    case 'A_Expr':
      return aExpr(t.node, ctx, at);
    case 'BoolExpr':
      return boolExpr(t.node, ctx, at);
    case 'NullTest':
      return { kind: 'unary', op: t.node.nulltesttype === 'IS_NOT_NULL' ? 'isNotNull' : 'isNull', arg: exprToNode(t.node.arg, ctx, at) };
    case 'BooleanTest':
      return booleanTest(exprToNode(t.node.arg, ctx, at), t.node.booltesttype ?? 'IS_TRUE');
    case 'CaseExpr':
      return caseExpr(t.node, ctx, at);
    case 'TypeCast':
      return castExpr(t.node, ctx, at);
    case 'FuncCall':
      return functionToNode(t.node, ctx, at);
    case 'SubLink':
      return subLink(t.node, ctx, at);
    case 'CoalesceExpr':
      return { kind: 'call', fn: 'coalesce', args: (t.node.args ?? []).map((a) => exprToNode(a, ctx, at)) };
    case 'MinMaxExpr':
      return { kind: 'call', fn: t.node.op === 'IS_LEAST' ? 'least' : 'greatest', args: (t.node.args ?? []).map((a) => exprToNode(a, ctx, at)) };
    case 'RowExpr':
      throw unsupported(ctx.text, at, 'row values (a, b, ...)');
    case 'ParamRef':
      throw unsupported(ctx.text, at, 'query parameters ($1)');
    default:
      throw unsupported(ctx.text, at, `expression of type '${t.tag}'`);
  }
}

function constant(c: A_Const, ctx: ExprContext, at: number | undefined): ExprNode {
  // Protobuf JSON leaves out default values: `ival: {}` is 0, `boolval: {}` is false.
  if (c.isnull) return { kind: 'literal', value: null, type: 'null' };
  if (c.ival) return numberLiteral(String(c.ival.ival ?? 0));
  if (c.fval) return numberLiteral(c.fval.fval ?? '0');
  if (c.boolval) return { kind: 'literal', value: c.boolval.boolval === true, type: 'bool' };
  if (c.sval) return stringLiteral(c.sval.sval ?? '');
  throw unsupported(ctx.text, at, 'bit-string literals');
}

function columnRef(ref: ColumnRef, ctx: ExprContext, at: number | undefined): ExprNode {
  const fields = ref.fields ?? [];
  const star = fields.length > 0 && nodeAs(fields[fields.length - 1], 'A_Star') !== undefined;
  const names = (star ? fields.slice(0, -1) : fields).map((f) => stringOf(f));
  if (names.some((n) => n === undefined)) throw unsupported(ctx.text, at, 'this kind of column reference');
  if (star) {
    if (names.length > 1) throw unsupported(ctx.text, at, `schema-qualified ${names.join('.')}.*`);
    return names.length === 0 ? { kind: 'star' } : { kind: 'star', qualifier: names[0]! };
  }
  if (names.length > 2) throw unsupported(ctx.text, at, `schema-qualified column ${names.join('.')}`);
  return names.length === 1 ? resolveColumn(ctx.scope, names[0]!, undefined) : resolveColumn(ctx.scope, names[1]!, names[0]!);
}

function aExpr(e: A_Expr, ctx: ExprContext, at: number | undefined): ExprNode {
  const op = stringOf(e.name?.[e.name.length - 1]) ?? '';
  const left = (): ExprNode => exprToNode(e.lexpr, ctx, at);
  const right = (): ExprNode => exprToNode(e.rexpr, ctx, at);
  switch (e.kind) {
    case 'AEXPR_OP':
      if (e.lexpr === undefined) return unaryOp(op, right(), ctx, at);
      if (!Object.hasOwn(BINARY_OPS, op)) throw unsupported(ctx.text, at, `operator ${op}`);
      return { kind: 'binary', op: BINARY_OPS[op]!, left: left(), right: right() };
    case 'AEXPR_IN':
      return { kind: 'in', arg: left(), list: listItems(e.rexpr).map((v) => exprToNode(v, ctx, at)), negated: op === '<>' };
    case 'AEXPR_BETWEEN':
    case 'AEXPR_NOT_BETWEEN': {
      const arg = left();
      const [lo, hi] = listItems(e.rexpr).map((v) => exprToNode(v, ctx, at));
      const between: ExprNode = { kind: 'binary', op: 'and', left: { kind: 'binary', op: '>=', left: arg, right: lo! }, right: { kind: 'binary', op: '<=', left: arg, right: hi! } };
      return e.kind === 'AEXPR_BETWEEN' ? between : { kind: 'unary', op: 'not', arg: between };
    }
    case 'AEXPR_LIKE':
    case 'AEXPR_ILIKE':
      return likeExpr(left(), e.rexpr, op.startsWith('!'), e.kind === 'AEXPR_ILIKE', ctx, at);
    case 'AEXPR_NULLIF':
      return { kind: 'call', fn: 'nullif', args: [left(), right()] };
    case 'AEXPR_DISTINCT':
    case 'AEXPR_NOT_DISTINCT':
      return distinctFrom(left(), right(), e.kind === 'AEXPR_DISTINCT');
    default:
      throw unsupported(ctx.text, at, `${String(e.kind).replace(/^AEXPR_/, '').replace(/_/g, ' ')} expressions`);
  }
}

function listItems(n: Node | undefined): Node[] {
  return nodeAs(n, 'List')?.items ?? (n ? [n] : []);
}

function unaryOp(op: string, arg: ExprNode, ctx: ExprContext, at: number | undefined): ExprNode {
  if (op === '+') return arg;
  if (op !== '-') throw unsupported(ctx.text, at, `unary operator ${op}`);
  return arg.kind === 'literal' && typeof arg.value === 'number' ? negateLiteral(arg) : { kind: 'unary', op: 'neg', arg };
}

/** `a IS [NOT] DISTINCT FROM b`: equality where NULL equals NULL, never null itself. */
function distinctFrom(a: ExprNode, b: ExprNode, distinct: boolean): ExprNode {
  const bothNull: ExprNode = { kind: 'binary', op: 'and', left: { kind: 'unary', op: 'isNull', arg: a }, right: { kind: 'unary', op: 'isNull', arg: b } };
  if (distinct) return { kind: 'call', fn: 'coalesce', args: [{ kind: 'binary', op: '!=', left: a, right: b }, { kind: 'unary', op: 'not', arg: bothNull }] };
  return { kind: 'call', fn: 'coalesce', args: [{ kind: 'binary', op: '=', left: a, right: b }, bothNull] };
}

function boolExpr(e: BoolExpr, ctx: ExprContext, at: number | undefined): ExprNode {
  const args = (e.args ?? []).map((a) => exprToNode(a, ctx, at));
  if (e.boolop === 'NOT_EXPR') {
    const arg = args[0]!;
    // NOT over IN / EXISTS (subquery) is the negated form, which decorrelation rewrites into an anti join.
    if ((arg.kind === 'inSubquery' || arg.kind === 'exists') && !arg.negated) return { ...arg, negated: true };
    return { kind: 'unary', op: 'not', arg };
  }
  const op = e.boolop === 'OR_EXPR' ? 'or' : 'and';
  return args.reduce((l, r) => ({ kind: 'binary', op, left: l, right: r }));
}

function likeExpr(arg: ExprNode, patternNode: Node | undefined, negated: boolean, caseInsensitive: boolean, ctx: ExprContext, at: number | undefined): ExprNode {
  const fn = nodeAs(patternNode, 'FuncCall');
  if (fn && nameList(fn.funcname).join('.') === 'like_escape') throw unsupported(ctx.text, at, 'LIKE ... ESCAPE', /\bescape\b/i);
  const pattern = exprToNode(patternNode, ctx, at);
  const op = `${negated ? 'NOT ' : ''}${caseInsensitive ? 'ILIKE' : 'LIKE'}`;
  if (pattern.kind !== 'literal' || typeof pattern.value !== 'string') throw unsupported(ctx.text, at, `${op} with a pattern that is not a string literal`);
  return { kind: 'like', arg, pattern: pattern.value, negated, caseInsensitive };
}

/** IS [NOT] TRUE/FALSE/UNKNOWN: never null (a null operand gives false for IS, true for IS NOT). */
function booleanTest(arg: ExprNode, test: string): ExprNode {
  if (test === 'IS_UNKNOWN') return { kind: 'unary', op: 'isNull', arg };
  if (test === 'IS_NOT_UNKNOWN') return { kind: 'unary', op: 'isNotNull', arg };
  const value = test === 'IS_TRUE' || test === 'IS_NOT_TRUE' ? arg : ({ kind: 'unary', op: 'not', arg } as ExprNode);
  const is: ExprNode = { kind: 'call', fn: 'coalesce', args: [value, FALSE] };
  return test.startsWith('IS_NOT') ? { kind: 'unary', op: 'not', arg: is } : is;
}

function subLink(s: SubLink, ctx: ExprContext, at: number | undefined): ExprNode {
  if (!ctx.subquery || s.subselect === undefined) throw unsupported(ctx.text, at, 'subqueries in this position', /\(\s*select\b/i);
  const op = stringOf(s.operName?.[s.operName.length - 1]);
  switch (s.subLinkType) {
    case 'EXPR_SUBLINK':
      return { kind: 'scalarSubquery', plan: ctx.subquery(s.subselect) };
    case 'EXISTS_SUBLINK':
      return { kind: 'exists', plan: ctx.subquery(s.subselect), negated: false };
    case 'ANY_SUBLINK':
    case 'ALL_SUBLINK': {
      // `x IN (q)` is `x = ANY (q)`; `x <> ALL (q)` is `x NOT IN (q)`.
      const negated = s.subLinkType === 'ALL_SUBLINK';
      if ((op ?? '=') !== (negated ? '<>' : '=')) throw unsupported(ctx.text, at, `${op} ${negated ? 'ALL' : 'ANY'} (subquery)`);
      return { kind: 'inSubquery', arg: exprToNode(s.testexpr, ctx, at), plan: ctx.subquery(s.subselect), negated };
    }
    default:
      throw unsupported(ctx.text, at, `${String(s.subLinkType).replace(/_SUBLINK$/, '')} subqueries`);
  }
}

function caseExpr(c: CaseExpr, ctx: ExprContext, at: number | undefined): ExprNode {
  const base = c.arg === undefined ? undefined : exprToNode(c.arg, ctx, at);
  const branches = (c.args ?? []).map((w) => {
    const when = nodeAs(w, 'CaseWhen')!;
    const cond = exprToNode(when.expr, ctx, at);
    return { when: base ? ({ kind: 'binary', op: '=', left: base, right: cond } as ExprNode) : cond, then: exprToNode(when.result, ctx, at) };
  });
  return c.defresult === undefined ? { kind: 'case', branches } : { kind: 'case', branches, otherwise: exprToNode(c.defresult, ctx, at) };
}

/**
 * CAST(x AS t), x::t, and typed literals `DATE '2024-01-31'` (a cast of a
 * string constant written before it: the cast has no location of its own).
 */
function castExpr(c: TypeCast, ctx: ExprContext, at: number | undefined): ExprNode {
  const names = nameList(c.typeName?.names);
  const typeName = names.join('.').toLowerCase();
  const literal = nodeAs(c.arg, 'A_Const')?.sval;
  const prefixed = literal !== undefined && (c.location === undefined || c.location < 0);
  if (typeName === 'interval') throw unsupported(ctx.text, at, 'INTERVAL literals (use date_add(d, days))', /\binterval\b/i);
  if (prefixed && (typeName === 'date' || typeName === 'timestamp')) {
    const text = literal.sval ?? '';
    const lit = temporalLiteral(typeName, text);
    if (!lit) throw errorAt(ctx.text, locationOf(c.arg) ?? at, `Invalid ${typeName.toUpperCase()} literal '${text}'`);
    return lit;
  }
  const arg = exprToNode(c.arg, ctx, at);
  if (c.typeName?.arrayBounds?.length) throw unsupported(ctx.text, at, `CAST to an array type (${typeName}[])`);
  const to = castType(typeName);
  if (!to) throw unsupported(ctx.text, c.typeName?.location ?? at, `CAST to type ${typeName}`);
  return { kind: 'cast', arg, to };
}
