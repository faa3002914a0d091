import type { ExprNode } from '../frame/expr/expr-node.js';
import type { JoinType, LogicalPlan } from '../frame/logical/plan.js';
import { errorAt, unsupported } from './expr-context.js';
import { exprToNode } from './expr-to-node.js';
import { hasAgg } from '../frame/logical/expr-utils.js';
import { outputColumns } from './output-columns.js';
import { positionOf, type AstNode } from './parse.js';
import type { QueryEnv } from './query-env.js';
import type { Scope } from './scope.js';
import { findIdentifier, findStringLiteral, sqlErrorAt } from './sql-error.js';
import { closest } from '../frame/logical/analysis-error.js';

/** A FROM clause as a plan, with the names it makes visible. */
export interface FromResult {
  plan: LogicalPlan;
  scope: Scope;
}

const JOIN_TYPES: Record<string, JoinType> = {
  JOIN: 'inner',
  'INNER JOIN': 'inner',
  'LEFT JOIN': 'left',
  'LEFT OUTER JOIN': 'left',
  'RIGHT JOIN': 'right',
  'RIGHT OUTER JOIN': 'right',
  'FULL JOIN': 'full',
  'FULL OUTER JOIN': 'full',
  'CROSS JOIN': 'cross',
};

const FILE_FUNCTIONS = new Set(['read_parquet', 'read_csv', 'read_csv_auto', 'read_json', 'read_json_auto', 'read_ndjson', 'read_arrow']);

/**
 * Plans FROM items left to right: comma-separated items become cross joins
 * (the WHERE clause above them is pushed into the join by the optimizer).
 */
export function fromToPlan(items: AstNode[], env: QueryEnv): FromResult {
  let plan: LogicalPlan | undefined;
  const qualifiers = new Set<string>();
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    const prefix = joinPrefix(items, i);
    const right = itemToPlan(item, env, joinPrefix(items, i + 1) !== undefined);
    for (const q of right.qualifiers) qualifiers.add(q);
    plan = plan === undefined ? right.plan : joinPlan(plan, right.plan, item, prefix, { columns: undefined, qualifiers, parent: env.outer }, env);
  }
  if (!plan) throw errorAt(env.text, undefined, 'Unsupported SQL: SELECT without FROM', /\bselect\b/i);
  return { plan, scope: { columns: outputColumns(plan), qualifiers, parent: env.outer } };
}

/**
 * node-sql-parser reads `a NATURAL JOIN b` and `a CROSS JOIN b` (when `a` has
 * no alias) as table `a` aliased NATURAL / CROSS, then an INNER JOIN without
 * ON: the keyword joining item `i` to the items before it, if so.
 */
function joinPrefix(items: AstNode[], i: number): 'NATURAL' | 'CROSS' | undefined {
  const keyword = i > 0 && i < items.length ? String(items[i - 1].as ?? '').toUpperCase() : '';
  const item = items[i];
  if ((keyword !== 'NATURAL' && keyword !== 'CROSS') || !item?.join || item.on || item.using) return undefined;
  return keyword;
}

function itemToPlan(item: AstNode, env: QueryEnv, aliasIsKeyword: boolean): { plan: LogicalPlan; qualifiers: string[] } {
  const alias: string | undefined = aliasIsKeyword || item.as === null || item.as === undefined ? undefined : String(item.as);
  if (item.prefix === 'LATERAL') throw unsupported(env.text, undefined, 'LATERAL subqueries', /\blateral\b/i);
  if (item.expr?.ast) {
    // A FROM subquery sees CTEs but not the enclosing query's columns (no LATERAL).
    const plan = env.query(item.expr.ast, { ...env, outer: undefined });
    return alias ? { plan: { kind: 'subqueryAlias', input: plan, alias }, qualifiers: [alias] } : { plan, qualifiers: [] };
  }
  if (item.expr?.type === 'function') return fileFunction(item.expr, alias, env);
  if (typeof item.table !== 'string') throw unsupported(env.text, positionOf(item.expr), 'this kind of FROM item');
  const name = item.db ? `${item.db}.${item.table}` : item.table;
  const plan = env.ctes.get(name) ?? env.catalog.table(name);
  if (plan) return { plan: { kind: 'subqueryAlias', input: plan, alias: alias ?? name }, qualifiers: [alias ?? name] };
  const file = env.catalog.file && looksLikePath(name, env.text) ? env.catalog.file(name) : undefined;
  if (!file) throw unknownTable(name, item.table, env);
  return alias ? { plan: { kind: 'subqueryAlias', input: file, alias }, qualifiers: [alias] } : { plan: file, qualifiers: [] };
}

/** A name written as a single-quoted string, or with a path or glob character, is a file path. */
function looksLikePath(name: string, text: string): boolean {
  return /[/\\.*?]/.test(name) || findStringLiteral(text, name) >= 0;
}

/** `FROM read_parquet('path')` and friends resolve through the catalog's `file`. */
function fileFunction(fn: AstNode, alias: string | undefined, env: QueryEnv): { plan: LogicalPlan; qualifiers: string[] } {
  const parts = fn.name?.name;
  const name = String(Array.isArray(parts) ? parts[parts.length - 1]?.value : fn.name).toLowerCase();
  const arg = fn.args?.value?.[0];
  if (!FILE_FUNCTIONS.has(name) || fn.args.value.length !== 1 || arg?.type !== 'single_quote_string' || !env.catalog.file) {
    throw unsupported(env.text, positionOf(fn), `table function ${name}()`);
  }
  const path = String(arg.value);
  const plan = env.catalog.file(path);
  if (!plan) throw errorAt(env.text, positionOf(fn), `No file matches '${path}'`);
  return alias ? { plan: { kind: 'subqueryAlias', input: plan, alias }, qualifiers: [alias] } : { plan, qualifiers: [] };
}

function unknownTable(name: string, bare: string, env: QueryEnv): Error {
  const known = [...new Set([...env.ctes.keys(), ...env.catalog.tableNames()])].sort();
  const suggestion = closest(name, known);
  let offset = findIdentifier(env.text, bare, /(from|join|,)$/i);
  if (offset < 0) offset = findStringLiteral(env.text, name);
  if (offset < 0) offset = findIdentifier(env.text, bare);
  const hint = suggestion === undefined ? '' : ` Did you mean '${suggestion}'?`;
  const list = known.length === 0 ? 'No tables are registered.' : `Known tables: ${known.join(', ')}.`;
  return sqlErrorAt(env.text, Math.max(0, offset), `Unknown table '${name}'.${hint} ${list}`, suggestion);
}

function joinPlan(left: LogicalPlan, right: LogicalPlan, item: AstNode, prefix: 'NATURAL' | 'CROSS' | undefined, scope: Scope, env: QueryEnv): LogicalPlan {
  if (!item.join || prefix === 'CROSS') return { kind: 'join', left, right, type: 'cross', on: null };
  const type = JOIN_TYPES[String(item.join).toUpperCase()];
  if (!type) throw unsupported(env.text, undefined, String(item.join), new RegExp(`\\b${String(item.join).split(' ')[0]}\\b`, 'i'));
  if (type === 'cross') return { kind: 'join', left, right, type, on: null };
  if (prefix === 'NATURAL') return { kind: 'join', left, right, type, on: null, using: naturalColumns(left, right, env) };
  if (item.using) return { kind: 'join', left, right, type, on: null, using: (item.using as AstNode[]).map((u) => String(u.value ?? u)) };
  if (!item.on) throw errorAt(env.text, undefined, `${item.join} needs ON or USING`, new RegExp(`\\b${String(item.join).replace(/ /g, '\\s+(outer\\s+)?')}`, 'i'));
  const joined: Scope = { ...scope, columns: outputColumns({ kind: 'join', left, right, type, on: null }) };
  const on: ExprNode = exprToNode(item.on, { text: env.text, scope: joined, subquery: (ast) => env.query(ast, { ...env, outer: joined }) });
  if (hasAgg(on)) throw errorAt(env.text, positionOf(item.on), 'Aggregate functions are not allowed in JOIN ... ON');
  return { kind: 'join', left, right, type, on };
}

function naturalColumns(left: LogicalPlan, right: LogicalPlan, env: QueryEnv): string[] {
  const l = outputColumns(left);
  const r = outputColumns(right);
  if (!l || !r) throw unsupported(env.text, undefined, 'NATURAL JOIN of inputs whose columns are unknown before analysis', /\bnatural\b/i);
  const rightNames = new Set(r.map((c) => c.name));
  return [...new Set(l.map((c) => c.name).filter((n) => rightNames.has(n)))];
}
