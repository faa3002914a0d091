import type { ExprNode } from '../frame/expr/expr-node.js';
import type { LogicalPlan } from '../frame/logical/plan.js';
import type { SelectItem } from './aggregate-to-plan.js';
import { unsupported } from './expr-context.js';
import { conjunction } from '../frame/logical/expr-utils.js';
import { limitPlan, resolveOrderBy, sortPlan } from './order-by.js';
import { oneRow } from './one-row.js';
import { outputColumns } from './output-columns.js';
import type { Node, SelectStmt } from './pg-ast.js';
import type { QueryEnv } from './query-env.js';

/**
 * Plans a set operation: UNION [ALL] / INTERSECT / EXCEPT of two members
 * (PostgreSQL's grammar already nests them with INTERSECT binding tighter),
 * then the ORDER BY / LIMIT of the whole. `member` plans a member statement.
 */
export function setOpsToPlan(stmt: SelectStmt, env: QueryEnv, member: (m: SelectStmt, env: QueryEnv) => LogicalPlan): LogicalPlan {
  if (!stmt.larg || !stmt.rarg) throw unsupported(env.text, undefined, 'a set operation without two members');
  const op = `${stmt.op === 'SETOP_UNION' ? 'union' : stmt.op === 'SETOP_INTERSECT' ? 'intersect' : 'except'}${stmt.all ? ' all' : ''}`;
  let plan = combine(member(stmt.larg, env), op, member(stmt.rarg, env), env);
  if (stmt.sortClause?.length) plan = orderOutput(plan, stmt.sortClause, env);
  return limitPlan(plan, stmt, env.text);
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
  const repeated = (cols: { name: string }[]): boolean => new Set(cols.map((c) => c.name)).size < cols.length;
  if (repeated(l) || repeated(r)) {
    // Columns that share a name cannot be told apart by it: name both sides by position, then give the left names back.
    const joined = semiJoinByPosition(renamed(left, l.length, '__l'), renamed(right, r.length, '__r'), type, env);
    return { kind: 'project', input: joined, exprs: l.map((c, i) => ({ kind: 'alias', arg: { kind: 'column', name: `__l${i}` }, name: c.name })) };
  }
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

/**
 * `plan` with its n columns named `${prefix}0`, `${prefix}1`...: a UNION ALL (which matches columns
 * by position and takes its names from its first input) under an empty first input of those names.
 */
function renamed(plan: LogicalPlan, n: number, prefix: string): LogicalPlan {
  const names: LogicalPlan = { kind: 'project', input: oneRow(), exprs: Array.from({ length: n }, (_, i) => ({ kind: 'alias', arg: { kind: 'literal', value: null, type: 'null' }, name: `${prefix}${i}` })) };
  return { kind: 'union', all: true, inputs: [{ kind: 'limit', input: names, n: 0, offset: 0 }, plan] };
}

/** ORDER BY over a set operation's output: positions and names of its columns, or expressions over them. */
function orderOutput(plan: LogicalPlan, orderby: Node[], env: QueryEnv): LogicalPlan {
  const names = outputColumns(plan)?.map((c) => c.name);
  const items: SelectItem[] = (names ?? []).map((name) => ({ expr: { kind: 'column', name }, alias: undefined, name }));
  const scope = { columns: names?.map((name) => ({ name })), qualifiers: new Set<string>(), parent: undefined };
  const keys = resolveOrderBy(orderby, items, names, { text: env.text, catalog: env.catalog, scope, subquery: undefined });
  return sortPlan(plan, keys, (k) => (k.output !== undefined ? { kind: 'column', name: k.output } : k.expr));
}
