import type { ExprNode } from '../frame/expr/expr-node.js';
import type { LogicalPlan } from '../frame/logical/plan.js';
import type { SelectItem } from './aggregate-to-plan.js';
import { unsupported } from './expr-context.js';
import { conjunction } from '../frame/logical/expr-utils.js';
import { limitPlan, resolveOrderBy, sortPlan } from './order-by.js';
import { outputColumns } from './output-columns.js';
import type { AstNode } from './parse.js';
import type { QueryEnv } from './query-env.js';
import { selectToPlan } from './select-to-plan.js';

/**
 * Plans a chain of SELECTs joined by UNION [ALL] / INTERSECT / EXCEPT
 * (INTERSECT binding tighter), then the ORDER BY / LIMIT of the whole chain.
 */
export function setOpsToPlan(first: AstNode, env: QueryEnv): LogicalPlan {
  const members: AstNode[] = [];
  const ops: string[] = [];
  for (let s: AstNode = first; s; s = s._next) {
    members.push(s);
    if (s._next) ops.push(String(s.set_op).toLowerCase());
  }
  const last = members[members.length - 1];
  // Unparenthesized, the last member's ORDER BY / LIMIT belong to the whole chain.
  const lastOwnsTail = !last.parentheses_symbol;
  const plans = members.map((m) => selectToPlan(m, env, !(m === last && lastOwnsTail)));

  // INTERSECT first, then UNION / EXCEPT left to right.
  const operands: LogicalPlan[] = [plans[0]!];
  const rest: string[] = [];
  ops.forEach((op, i) => {
    if (op === 'intersect') operands.push(combine(operands.pop()!, op, plans[i + 1]!, env));
    else {
      rest.push(op);
      operands.push(plans[i + 1]!);
    }
  });
  let plan = operands[0]!;
  rest.forEach((op, i) => (plan = combine(plan, op, operands[i + 1]!, env)));

  const orderby = first._orderby ?? (lastOwnsTail ? last.orderby : null);
  const limit = first._limit ?? (lastOwnsTail ? last.limit : null);
  if (orderby?.length) plan = orderOutput(plan, orderby, env);
  return limit ? limitPlan(plan, limit, env.text) : plan;
}

function combine(left: LogicalPlan, op: string, right: LogicalPlan, env: QueryEnv): LogicalPlan {
  switch (op) {
    case 'union all':
      return left.kind === 'union' && left.all ? { ...left, inputs: [...left.inputs, right] } : { kind: 'union', inputs: [left, right], all: true };
    case 'union':
    case 'union distinct':
      return left.kind === 'union' && !left.all ? { ...left, inputs: [...left.inputs, right] } : { kind: 'union', inputs: [left, right], all: false };
    case 'intersect':
    case 'except':
      return { kind: 'distinct', input: semiJoinByPosition(left, right, op === 'intersect' ? 'semi' : 'anti', env) };
    default:
      throw unsupported(env.text, undefined, op.toUpperCase(), new RegExp(`\\b${op.split(' ')[0]}\\b`, 'i'));
  }
}

/**
 * Rows of `left` with (semi) or without (anti) a row of `right` equal in every
 * column by position, NULLs matching NULLs as set operations require.
 */
function semiJoinByPosition(left: LogicalPlan, right: LogicalPlan, type: 'semi' | 'anti', env: QueryEnv): LogicalPlan {
  const l = outputColumns(left);
  const r = outputColumns(right);
  const what = type === 'semi' ? 'INTERSECT' : 'EXCEPT';
  if (!l || !r) throw unsupported(env.text, undefined, `${what} of queries whose columns are unknown before analysis`, new RegExp(`\\b${what}\\b`, 'i'));
  if (l.length !== r.length) throw unsupported(env.text, undefined, `${what} of queries with ${l.length} and ${r.length} columns`, new RegExp(`\\b${what}\\b`, 'i'));
  const preds = l.map((lc, i): ExprNode => {
    const a: ExprNode = { kind: 'column', name: lc.name, qualifier: '__left' };
    const b: ExprNode = { kind: 'column', name: r[i]!.name, qualifier: '__right' };
    const bothNull: ExprNode = { kind: 'binary', op: 'and', left: { kind: 'unary', op: 'isNull', arg: a }, right: { kind: 'unary', op: 'isNull', arg: b } };
    return { kind: 'binary', op: 'or', left: { kind: 'binary', op: '=', left: a, right: b }, right: bothNull };
  });
  return {
    kind: 'join',
    left: { kind: 'subqueryAlias', input: left, alias: '__left' },
    right: { kind: 'subqueryAlias', input: right, alias: '__right' },
    type,
    on: conjunction(preds),
  };
}

/** ORDER BY over a set operation's output: positions and names of its columns, or expressions over them. */
function orderOutput(plan: LogicalPlan, orderby: AstNode[], env: QueryEnv): LogicalPlan {
  const names = outputColumns(plan)?.map((c) => c.name);
  const items: SelectItem[] = (names ?? []).map((name) => ({ expr: { kind: 'column', name }, alias: undefined, name }));
  const scope = { columns: names?.map((name) => ({ name })), qualifiers: new Set<string>(), parent: undefined };
  const keys = resolveOrderBy(orderby, items, names, { text: env.text, scope, subquery: undefined });
  return sortPlan(plan, keys, (k) => (k.output !== undefined ? { kind: 'column', name: k.output } : k.expr));
}
