import type { LogicalPlan } from '../frame/logical/plan.js';
import type { Catalog } from './catalog.js';
import type { Node } from './pg-ast.js';
import type { Scope } from './scope.js';

/** What translating one query (SELECT, set operation, subquery) needs. */
export interface QueryEnv {
  /** The whole SQL text, for error positions. */
  text: string;
  catalog: Catalog;
  /** Common table expressions in scope, by name (inner WITH clauses shadow outer ones). */
  ctes: ReadonlyMap<string, LogicalPlan>;
  /** The enclosing query's names, for correlated subqueries; undefined at top level and in FROM. */
  outer: Scope | undefined;
  /** Translates a nested query (a FROM subquery, an expression subquery, a CTE body). */
  query(stmt: Node, env: QueryEnv): LogicalPlan;
}
