import type { Node } from 'libpg-query';

/**
 * The PostgreSQL parse tree as libpg-query returns it (types from
 * @pgsql/types): every node is a one-key wrapper `{ A_Expr: {...} }`.
 * `tagged` turns a wrapper into a discriminated union `{ tag, node }`, so a
 * `switch (t.tag)` narrows `t.node` to that node's interface.
 */
export type {
  A_Const,
  Alias,
  A_Expr,
  BoolExpr,
  BooleanTest,
  CaseExpr,
  ColumnRef,
  CommonTableExpr,
  FuncCall,
  JoinExpr,
  Node,
  NullTest,
  RangeFunction,
  RangeSubselect,
  RangeVar,
  ResTarget,
  SelectStmt,
  SortBy,
  SubLink,
  TypeCast,
  TypeName,
  WithClause,
} from 'libpg-query';

/** Every node kind's name (`'A_Expr'`, `'ColumnRef'`, ...). */
export type NodeTag = Node extends infer N ? (N extends unknown ? keyof N : never) : never;

/** The interface a tag wraps (`NodeOf<'A_Expr'>` is `A_Expr`). */
export type NodeOf<K extends NodeTag> = Extract<Node, Record<K, unknown>> extends infer W ? (K extends keyof W ? W[K] : never) : never;

/** A node as a discriminated union on its tag. */
export type Tagged = { [K in NodeTag]: { tag: K; node: NodeOf<K> } }[NodeTag];

/** The `{ tag, node }` view of a wrapper node. */
export function tagged(n: Node): Tagged {
  const tag = Object.keys(n)[0] as NodeTag;
  return { tag, node: (n as Record<string, unknown>)[tag] } as Tagged;
}

/** The wrapped node if `n` is of kind `tag`, else undefined. */
export function nodeAs<K extends NodeTag>(n: Node | undefined, tag: K): NodeOf<K> | undefined {
  if (n === undefined || !Object.hasOwn(n, tag)) return undefined;
  return (n as Record<string, unknown>)[tag] as NodeOf<K>;
}

/** The text of a `String` node (identifier parts, operator names), else undefined. */
export function stringOf(n: Node | undefined): string | undefined {
  return nodeAs(n, 'String')?.sval ?? (n && nodeAs(n, 'String') ? '' : undefined);
}

/** The names of a dotted list of `String` nodes (`pg_catalog.int4`, `t.col`), with `pg_catalog.` dropped. */
export function nameList(nodes: Node[] | undefined): string[] {
  const names = (nodes ?? []).map((n) => stringOf(n) ?? '');
  return names.length > 1 && names[0] === 'pg_catalog' ? names.slice(1) : names;
}

/** A node's `location` (an offset into the SQL text), if it has one. */
export function locationOf(n: Node | undefined): number | undefined {
  if (!n) return undefined;
  const inner = (n as Record<string, unknown>)[Object.keys(n)[0]!];
  const loc = inner && typeof inner === 'object' ? (inner as { location?: unknown }).location : undefined;
  return typeof loc === 'number' && loc >= 0 ? loc : undefined;
}
