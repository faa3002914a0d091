import type { ExprNode } from '../frame/expr/expr-node.js';
import { analyze } from '../frame/logical/analyzer.js';
import type { LogicalPlan } from '../frame/logical/plan.js';
import type { Catalog } from './catalog.js';
import { errorAt, unsupported } from './expr-context.js';
import { outputColumns } from './output-columns.js';
import { parseSql } from './parse.js';
import { nodeAs, stringOf, tagged, type Node, type SelectStmt, type WithClause } from './pg-ast.js';
import type { QueryEnv } from './query-env.js';
import { selectToPlan } from './select-to-plan.js';
import { setOpsToPlan } from './set-ops.js';
import { analysisToSqlError } from './analysis-to-sql-error.js';

export { parseExpression } from './parse-expression.js';

/**
 * Translates one SQL query into an unanalyzed LogicalPlan over the catalog's
 * tables. Throws SqlError (with line and column) for syntax errors, unknown
 * tables and unsupported constructs; unknown columns are left to the analyzer
 * (see `analyzeSql`).
 */
export function sqlToPlan(text: string, catalog: Catalog): LogicalPlan {
  const statements = parseSql(text);
  if (statements.length !== 1) throw errorAt(text, undefined, `Expected one SQL statement, found ${statements.length}`, /;/);
  return queryToPlan(statements[0]!, { text, catalog, ctes: new Map(), outer: undefined, query: queryToPlan });
}

/**
 * `sqlToPlan`, then the analyzer; an analysis error about a column or table
 * name becomes a SqlError pointing at that name's first occurrence in `text`
 * (keeping the analyzer's suggestion).
 */
export function analyzeSql(text: string, catalog: Catalog): LogicalPlan {
  const plan = sqlToPlan(text, catalog);
  try {
    return analyze(plan);
  } catch (e) {
    throw analysisToSqlError(e, text);
  }
}

/** A query: WITH clause, then one SELECT or a tree of set operations. */
function queryToPlan(stmt: Node, env: QueryEnv): LogicalPlan {
  const t = tagged(stmt);
  if (t.tag !== 'SelectStmt') throw unsupported(env.text, undefined, `${t.tag.replace(/Stmt$/, '').toUpperCase()} statements (only queries are supported)`);
  return selectStmtToPlan(t.node, env);
}

/** A SELECT statement (or a member of a set operation, which PostgreSQL nests unwrapped). */
function selectStmtToPlan(select: SelectStmt, env: QueryEnv, orderAndLimit = true): LogicalPlan {
  const scoped = select.withClause ? { ...env, ctes: withClause(select.withClause, env) } : env;
  if (select.valuesLists) throw unsupported(env.text, undefined, 'VALUES lists', /\bvalues\b/i);
  if (select.op !== undefined && select.op !== 'SETOP_NONE') return setOpsToPlan(select, scoped, (m, e) => selectStmtToPlan(m, e));
  return selectToPlan(select, scoped, orderAndLimit);
}

/** CTEs in order, each seeing the ones before it; a CTE is planned once and may be referenced many times. */
function withClause(w: WithClause, env: QueryEnv): Map<string, LogicalPlan> {
  if (w.recursive) throw unsupported(env.text, undefined, 'WITH RECURSIVE', /\brecursive\b/i);
  const visible = new Map(env.ctes);
  for (const node of w.ctes ?? []) {
    const cte = nodeAs(node, 'CommonTableExpr');
    if (!cte?.ctequery) continue;
    const name = cte.ctename ?? '';
    let plan = queryToPlan(cte.ctequery, { ...env, ctes: visible, outer: undefined });
    if (cte.aliascolnames?.length) plan = renameColumns(plan, cte.aliascolnames.map((c) => stringOf(c) ?? ''), name, env);
    visible.set(name, plan);
  }
  return visible;
}

/** `WITH c(x, y) AS (...)`: renames the query's output columns by position. */
function renameColumns(plan: LogicalPlan, names: string[], cte: string, env: QueryEnv): LogicalPlan {
  const cols = outputColumns(plan);
  if (!cols) throw unsupported(env.text, undefined, `a column list for CTE ${cte} over columns unknown before analysis`, new RegExp(`\\b${cte}\\s*\\(`));
  if (cols.length !== names.length) throw errorAt(env.text, undefined, `CTE ${cte} names ${names.length} columns but its query has ${cols.length}`, new RegExp(`\\b${cte}\\s*\\(`));
  const exprs = cols.map((c, i): ExprNode => ({ kind: 'alias', arg: { kind: 'column', name: c.name }, name: names[i]! }));
  return { kind: 'project', input: plan, exprs };
}
