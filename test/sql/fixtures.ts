import type { LogicalPlan } from '../../src/frame/logical/plan.js';
import { printPlan } from '../../src/frame/logical/print.js';
import type { DataType } from '../../src/frame/types.js';
import { catalogOf } from '../../src/sql/catalog.js';
import { sqlToPlan } from '../../src/sql/sql-to-plan.js';
import { sqlParserReady } from '../../src/sql/parse.js';

await sqlParserReady();

/** An empty in-memory table with the given columns (names starting with `s` are strings, `d` dates, others int64). */
export function table(name: string, columns: string[]): LogicalPlan {
  const type = (c: string): DataType => (c.startsWith('s') ? 'string' : c.startsWith('d') ? 'date' : 'int64');
  return {
    kind: 'scan',
    source: { kind: 'memory', partitions: [], name, rows: 0 },
    schema: { fields: columns.map((c) => ({ name: c, type: type(c), nullable: true })) },
    filters: [],
  };
}

/** people(id, age, scity, sname), orders(id, pid, amount, dday), and files under data/ resolved by `file`. */
export const catalog = catalogOf(
  {
    people: table('people', ['id', 'age', 'scity', 'sname']),
    orders: table('orders', ['id', 'pid', 'amount', 'dday']),
  },
  (path) => (path.startsWith('data/') ? table(`file:${path}`, ['id', 'v']) : undefined),
);

/** The printed plan of a query over `catalog`. */
export const plan = (sql: string): string => printPlan(sqlToPlan(sql, catalog));

/** Multi-line expected plan text, written indented in the test source. */
export function lines(...ls: string[]): string {
  return ls.join('\n');
}
