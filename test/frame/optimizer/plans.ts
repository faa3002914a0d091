import type { AggFn, BinaryOp, ExprNode, LiteralValue } from '../../../src/frame/expr/expr-node.js';
import type { JoinType, LogicalPlan } from '../../../src/frame/logical/plan.js';
import type { DataType } from '../../../src/frame/types.js';

/** Small builders for logical plans in rule and analyzer tests. */

/** A memory scan named `name` with `rows` rows; columns as `name:type` (`?` suffix = nullable), e.g. `'a:int32', 'b:string?'`. */
export function scan(name: string, columns: string[], rows = 100): LogicalPlan {
  const fields = columns.map((spec) => {
    const [n, t] = spec.split(':') as [string, string];
    const nullable = t.endsWith('?');
    return { name: n, type: t.replace('?', '') as DataType, nullable };
  });
  return { kind: 'scan', source: { kind: 'memory', partitions: [], name, rows }, schema: { fields }, filters: [] };
}

export const col = (name: string, qualifier?: string): ExprNode =>
  qualifier === undefined ? { kind: 'column', name } : { kind: 'column', name, qualifier };

export function lit(value: LiteralValue, type?: DataType): ExprNode {
  const t: DataType = type ?? (value === null ? 'null' : typeof value === 'string' ? 'string' : typeof value === 'boolean' ? 'bool' : Number.isInteger(value) ? 'int32' : 'float64');
  return { kind: 'literal', value, type: t };
}

export const bin = (op: BinaryOp, left: ExprNode, right: ExprNode): ExprNode => ({ kind: 'binary', op, left, right });
export const eq = (l: ExprNode, r: ExprNode): ExprNode => bin('=', l, r);
export const gt = (l: ExprNode, r: ExprNode): ExprNode => bin('>', l, r);
export const and = (l: ExprNode, r: ExprNode): ExprNode => bin('and', l, r);
export const not = (arg: ExprNode): ExprNode => ({ kind: 'unary', op: 'not', arg });
export const as = (arg: ExprNode, name: string): ExprNode => ({ kind: 'alias', arg, name });
export const agg = (fn: AggFn, ...args: ExprNode[]): ExprNode => ({ kind: 'agg', fn, args, distinct: false, params: [] });

export const filter = (input: LogicalPlan, predicate: ExprNode): LogicalPlan => ({ kind: 'filter', input, predicate });
export const project = (input: LogicalPlan, ...exprs: ExprNode[]): LogicalPlan => ({ kind: 'project', input, exprs });
export const aggregate = (input: LogicalPlan, groupBy: ExprNode[], aggs: ExprNode[]): LogicalPlan => ({ kind: 'aggregate', input, groupBy, aggs });
export const join = (left: LogicalPlan, right: LogicalPlan, type: JoinType, on: ExprNode | null): LogicalPlan => ({ kind: 'join', left, right, type, on });
export const alias = (input: LogicalPlan, name: string): LogicalPlan => ({ kind: 'subqueryAlias', input, alias: name });
export const limit = (input: LogicalPlan, n: number, offset = 0): LogicalPlan => ({ kind: 'limit', input, n, offset });
export const sort = (input: LogicalPlan, expr: ExprNode, ascending = true): LogicalPlan => ({ kind: 'sort', input, keys: [{ expr, ascending, nullsFirst: !ascending }] });
export const union = (all: boolean, ...inputs: LogicalPlan[]): LogicalPlan => ({ kind: 'union', inputs, all });

/** Joins lines given as a template, dropping the common indentation. */
export function text(lines: string): string {
  const rows = lines.split('\n').filter((l) => l.trim() !== '');
  const indent = Math.min(...rows.map((l) => l.length - l.trimStart().length));
  return rows.map((l) => l.slice(indent)).join('\n');
}
