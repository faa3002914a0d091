import type { LogicalPlan } from '../frame/logical/plan.js';
import type { UdfDefinition } from '../frame/expr/expr-node.js';

/**
 * The tables SQL text can name. The Session implements it over its temporary
 * views and registered UDFs; `file` resolves a path or glob written in FROM (`FROM 'data/*.parquet'`).
 */
export interface Catalog {
  table(name: string): LogicalPlan | undefined;
  tableNames(): string[];
  file?(path: string): LogicalPlan | undefined;
  /** A function registered under `name` (`session.udf.register`). */
  udf?(name: string): UdfDefinition | undefined;
}

/** A Catalog over a fixed set of named plans (tests, and callers without a Session). */
export function catalogOf(tables: Record<string, LogicalPlan>, file?: (path: string) => LogicalPlan | undefined): Catalog {
  const catalog: Catalog = {
    table: (name) => (Object.hasOwn(tables, name) ? tables[name] : undefined),
    tableNames: () => Object.keys(tables),
  };
  if (file) catalog.file = file;
  return catalog;
}
