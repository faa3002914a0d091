import type { ExprNode } from '../frame/expr/expr-node.js';
import type { JoinType, LogicalPlan } from '../frame/logical/plan.js';
import { errorAt, unsupported } from './expr-context.js';
import { exprToNode } from './expr-to-node.js';
import { hasAgg } from '../frame/logical/expr-utils.js';
import { outputColumns } from './output-columns.js';
import { locationOf, nameList, nodeAs, stringOf, tagged, type JoinExpr, type Node, type RangeFunction, type RangeVar, type Alias } from './pg-ast.js';
import type { QueryEnv } from './query-env.js';
import type { Scope } from './scope.js';
import { findIdentifier, findStringLiteral, sqlErrorAt } from './sql-error.js';
import { closest } from '../frame/logical/analysis-error.js';

/** A FROM clause as a plan, with the names it makes visible. */
export interface FromResult {
  plan: LogicalPlan;
  scope: Scope;
}

const JOIN_TYPES: Partial<Record<string, JoinType>> = { JOIN_INNER: 'inner', JOIN_LEFT: 'left', JOIN_RIGHT: 'right', JOIN_FULL: 'full' };

const FILE_FUNCTIONS = new Set(['read_parquet', 'read_csv', 'read_csv_auto', 'read_json', 'read_json_auto', 'read_ndjson', 'read_arrow']);

interface Item {
  plan: LogicalPlan;
  qualifiers: string[];
}

/**
 * Plans FROM items left to right: comma-separated items become cross joins
 * (the WHERE clause above them is pushed into the join by the optimizer).
 */
export function fromToPlan(items: Node[], env: QueryEnv): FromResult {
  let plan: LogicalPlan | undefined;
  const qualifiers = new Set<string>();
  for (const node of items) {
    const right = itemToPlan(node, env);
    for (const q of right.qualifiers) qualifiers.add(q);
    plan = plan === undefined ? right.plan : { kind: 'join', left: plan, right: right.plan, type: 'cross', on: null };
  }
  if (!plan) throw errorAt(env.text, undefined, 'Unsupported SQL: SELECT without FROM', /\bselect\b/i);
  return { plan, scope: { columns: outputColumns(plan), qualifiers, parent: env.outer } };
}

/** One FROM item: a table, CTE or file, a subquery, a table function, or a (possibly parenthesised) join tree. */
function itemToPlan(node: Node, env: QueryEnv): Item {
  const t = tagged(node);
  switch (t.tag) {
    case 'RangeVar':
      return rangeVar(t.node, env);
    case 'JoinExpr': {
      const joined = joinToPlan(t.node, env);
      return aliased(joined.plan, t.node.alias, env, joined.qualifiers);
    }
    case 'RangeSubselect': {
      if (t.node.lateral) throw unsupported(env.text, undefined, 'LATERAL subqueries', /\blateral\b/i);
      // A FROM subquery sees CTEs but not the enclosing query's columns (no LATERAL).
      return aliased(env.query(t.node.subquery!, { ...env, outer: undefined }), t.node.alias, env);
    }
    case 'RangeFunction':
      return fileFunction(t.node, env);
    default:
      throw unsupported(env.text, locationOf(node), `FROM items of type '${t.tag}'`);
  }
}

/** `plan AS alias` (no alias: the plan as it is, with the qualifiers it already had). */
function aliased(plan: LogicalPlan, alias: Alias | undefined, env: QueryEnv, inner: string[] = []): Item {
  if (alias?.colnames?.length) throw unsupported(env.text, undefined, `a column list for alias ${alias.aliasname ?? ''}`);
  const name = alias?.aliasname;
  return name === undefined ? { plan, qualifiers: inner } : { plan: { kind: 'subqueryAlias', input: plan, alias: name }, qualifiers: [name] };
}

function rangeVar(r: RangeVar, env: QueryEnv): Item {
  const bare = r.relname ?? '';
  const name = r.schemaname ? `${r.schemaname}.${bare}` : bare;
  const alias = r.alias?.aliasname;
  const plan = env.ctes.get(name) ?? env.catalog.table(name);
  if (plan) return aliased(plan, { ...r.alias, aliasname: alias ?? name }, env);
  const file = env.catalog.file && looksLikePath(name, env.text) ? env.catalog.file(name) : undefined;
  if (!file) throw unknownTable(name, bare, env);
  return aliased(file, r.alias, env);
}

/** A name written as a single-quoted string, or with a path or glob character, is a file path. */
function looksLikePath(name: string, text: string): boolean {
  return /[/\\.*?]/.test(name) || findStringLiteral(text, name) >= 0;
}

/** `FROM read_parquet('path')` and friends resolve through the catalog's `file`. */
function fileFunction(r: RangeFunction, env: QueryEnv): Item {
  const first = nodeAs(r.functions?.[0], 'List')?.items?.[0];
  const fn = nodeAs(first, 'FuncCall');
  const at = locationOf(first);
  const name = nameList(fn?.funcname).join('.').toLowerCase();
  if (r.lateral) throw unsupported(env.text, at, 'LATERAL table functions', /\blateral\b/i);
  const path = fn?.args?.length === 1 ? nodeAs(fn.args[0], 'A_Const')?.sval?.sval : undefined;
  if (!FILE_FUNCTIONS.has(name) || r.functions?.length !== 1 || path === undefined || !env.catalog.file) {
    throw unsupported(env.text, at, `table function ${name}()`);
  }
  const plan = env.catalog.file(path);
  if (!plan) throw errorAt(env.text, at, `No file matches '${path}'`);
  return aliased(plan, r.alias, env);
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

/** A JOIN of two FROM items (either may itself be a join), with its ON, USING or NATURAL condition. */
function joinToPlan(j: JoinExpr, env: QueryEnv): Item {
  const l = itemToPlan(j.larg!, env);
  const r = itemToPlan(j.rarg!, env);
  const qualifiers = [...l.qualifiers, ...r.qualifiers];
  const [left, right] = [l.plan, r.plan];
  const type = JOIN_TYPES[j.jointype ?? ''];
  if (!type) throw unsupported(env.text, undefined, `join type ${String(j.jointype)}`);
  if (j.join_using_alias) throw unsupported(env.text, undefined, 'USING (...) AS alias');
  if (j.isNatural) return { plan: { kind: 'join', left, right, type, on: null, using: naturalColumns(left, right, env) }, qualifiers };
  if (j.usingClause) return { plan: { kind: 'join', left, right, type, on: null, using: j.usingClause.map((u) => stringOf(u) ?? '') }, qualifiers };
  if (!j.quals) return { plan: { kind: 'join', left, right, type: 'cross', on: null }, qualifiers };
  const scope: Scope = { columns: outputColumns({ kind: 'join', left, right, type, on: null }), qualifiers: new Set(qualifiers), parent: env.outer };
  const on: ExprNode = exprToNode(j.quals, { text: env.text, catalog: env.catalog, scope, subquery: (q) => env.query(q, { ...env, outer: scope }) });
  if (hasAgg(on)) throw errorAt(env.text, locationOf(j.quals), 'Aggregate functions are not allowed in JOIN ... ON');
  return { plan: { kind: 'join', left, right, type, on }, qualifiers };
}

function naturalColumns(left: LogicalPlan, right: LogicalPlan, env: QueryEnv): string[] {
  const l = outputColumns(left);
  const r = outputColumns(right);
  if (!l || !r) throw unsupported(env.text, undefined, 'NATURAL JOIN of inputs whose columns are unknown before analysis', /\bnatural\b/i);
  const rightNames = new Set(r.map((c) => c.name));
  return [...new Set(l.map((c) => c.name).filter((n) => rightNames.has(n)))];
}
