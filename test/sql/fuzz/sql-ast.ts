/**
 * The fuzzer's SQL syntax tree and its printer. Queries are generated, partitioned (TLP) and shrunk
 * as trees; only the printer knows SQL text. Every composite expression is printed in parentheses
 * unless a feature switch asks for the bare form that a known parser bug misreads.
 */
import type { ScalarType } from '../../../src/frame/types.js';
import type { Features } from './features.js';

/** An expression; `t` is its type (NULL literals have one too), which the shrinker keeps when replacing nodes. */
export type Expr =
  | { k: 'col'; t: ScalarType; ref: string }
  | { k: 'lit'; t: ScalarType; sql: string }
  | { k: 'bin'; t: ScalarType; op: string; l: Expr; r: Expr }
  | { k: 'not'; t: 'bool'; e: Expr }
  | { k: 'neg'; t: ScalarType; e: Expr }
  | { k: 'isnull'; t: 'bool'; e: Expr; neg: boolean }
  | { k: 'between'; t: 'bool'; e: Expr; lo: Expr; hi: Expr; neg: boolean }
  | { k: 'in'; t: 'bool'; e: Expr; list: Expr[]; neg: boolean }
  | { k: 'like'; t: 'bool'; e: Expr; pattern: string; neg: boolean }
  | { k: 'case'; t: ScalarType; operand?: Expr; whens: { when: Expr; then: Expr }[]; else?: Expr }
  | { k: 'fn'; t: ScalarType; name: string; args: Expr[] }
  | { k: 'cast'; t: ScalarType; e: Expr }
  | { k: 'agg'; t: ScalarType; name: string; arg?: Expr; distinct: boolean }
  | { k: 'inq'; t: 'bool'; e: Expr; q: Query; neg: boolean }
  | { k: 'exists'; t: 'bool'; q: Query; neg: boolean }
  | { k: 'scalarq'; t: ScalarType; q: Query };

export interface SelectItem {
  e: Expr;
  alias: string;
}

export interface OrderKey {
  /** An output column's alias. */
  alias: string;
  desc: boolean;
  nullsFirst: boolean;
}

export type FromItem =
  | { k: 'table'; name: string; alias: string }
  | { k: 'derived'; q: Query; alias: string }
  | { k: 'join'; type: 'inner' | 'left' | 'right' | 'full' | 'cross'; l: FromItem; r: FromItem; on?: Expr };

export interface Select {
  k: 'select';
  distinct: boolean;
  items: SelectItem[];
  /** Comma-separated FROM items; empty for SELECT without FROM. */
  from: FromItem[];
  where?: Expr;
  groupBy?: Expr[];
  having?: Expr;
  orderBy?: OrderKey[];
  limit?: number;
  offset?: number;
}

export interface SetOp {
  k: 'setop';
  op: 'UNION' | 'UNION ALL' | 'INTERSECT' | 'EXCEPT';
  l: Query;
  r: Select;
  orderBy?: OrderKey[];
  limit?: number;
}

export type Query = Select | SetOp;

export const SQL_TYPE: Record<ScalarType, string> = {
  bool: 'BOOLEAN', int32: 'INTEGER', int64: 'BIGINT', float64: 'DOUBLE', string: 'VARCHAR', date: 'DATE', timestamp: 'TIMESTAMP',
};

/** Output aliases of a query (those of its first SELECT for set operations). */
export function outputAliases(q: Query): string[] {
  return q.k === 'select' ? q.items.map((i) => i.alias) : outputAliases(q.l);
}

export function outputTypes(q: Query): ScalarType[] {
  return q.k === 'select' ? q.items.map((i) => i.e.t) : outputTypes(q.l);
}

/** The query's rows come in a determined order: its top ORDER BY names every output column. */
export function isOrdered(q: Query): boolean {
  return !!q.orderBy?.length;
}

const isAndOr = (e: Expr): boolean => e.k === 'bin' && (e.op === 'AND' || e.op === 'OR');
const isComparison = (e: Expr): boolean => e.k === 'bin' && ['=', '<>', '<', '<=', '>', '>='].includes(e.op);

export class Printer {
  /**
   * `duckdb`: the text DuckDB runs where the dialects differ on purpose (KNOWN.md): `ln(x)` of a
   * number ≤ 0 is NULL in sluice (Spark) and an error in DuckDB, so DuckDB's argument is made NULL there.
   */
  constructor(
    private readonly features: Features,
    private readonly dialect: 'sluice' | 'duckdb' = 'sluice',
  ) {}

  expr(e: Expr): string {
    switch (e.k) {
      case 'col':
      case 'lit':
        return e.k === 'col' ? e.ref : e.sql;
      case 'bin':
        return this.binary(e);
      case 'not':
        if (this.features.notIsNullPrecedence && e.e.k === 'isnull' && !e.e.neg) return `(NOT (${this.expr(e.e.e)}) IS NULL)`;
        return `(NOT ${this.expr(e.e)})`;
      case 'neg':
        return `(- ${this.expr(e.e)})`;
      case 'isnull':
        return `(${this.expr(e.e)} IS ${e.neg ? 'NOT ' : ''}NULL)`;
      case 'between':
        return `(${this.expr(e.e)} ${e.neg ? 'NOT ' : ''}BETWEEN ${this.expr(e.lo)} AND ${this.expr(e.hi)})`;
      case 'in':
        return `(${this.expr(e.e)} ${e.neg ? 'NOT ' : ''}IN (${e.list.map((x) => this.expr(x)).join(', ')}))`;
      case 'like':
        return `(${this.expr(e.e)} ${e.neg ? 'NOT ' : ''}LIKE '${e.pattern}')`;
      case 'case': {
        const whens = e.whens.map((w) => `WHEN ${this.expr(w.when)} THEN ${this.expr(w.then)}`).join(' ');
        return `(CASE ${e.operand ? this.expr(e.operand) + ' ' : ''}${whens}${e.else ? ' ELSE ' + this.expr(e.else) : ''} END)`;
      }
      case 'fn':
        if (e.name === 'ln' && this.dialect === 'duckdb') {
          const x = this.expr(e.args[0]!);
          return `ln((CASE WHEN ${x} <= 0 THEN NULL ELSE ${x} END))`;
        }
        return `${e.name}(${e.args.map((a) => this.expr(a)).join(', ')})`;
      case 'cast':
        return `CAST(${this.expr(e.e)} AS ${SQL_TYPE[e.t]})`;
      case 'agg':
        return `${e.name}(${e.distinct ? 'DISTINCT ' : ''}${e.arg ? this.expr(e.arg) : '*'})`;
      case 'inq':
        return `(${this.expr(e.e)} ${e.neg ? 'NOT ' : ''}IN (${this.query(e.q, true)}))`;
      case 'exists':
        return `(${e.neg ? 'NOT ' : ''}EXISTS (${this.query(e.q)}))`;
      case 'scalarq':
        return `(${this.query(e.q, true)})`;
    }
  }

  /** With `andOrPrecedence`, AND/OR operands that bind tighter (comparisons, AND under OR) go bare. */
  private binary(e: Extract<Expr, { k: 'bin' }>): string {
    const side = (c: Expr): string => {
      const s = this.expr(c);
      if (!this.features.andOrPrecedence || !isAndOr(e)) return s;
      const tighter = isComparison(c) || (e.op === 'OR' && c.k === 'bin' && c.op === 'AND') || (c.k === 'bin' && c.op === e.op);
      return tighter && s.startsWith('(') && s.endsWith(')') ? s.slice(1, -1) : s;
    };
    return `(${side(e.l)} ${e.op} ${side(e.r)})`;
  }

  from(f: FromItem, nested = false): string {
    switch (f.k) {
      case 'table':
        return `${f.name} AS ${f.alias}`;
      case 'derived':
        return `(${this.query(f.q)}) AS ${f.alias}`;
      case 'join': {
        const right = f.r.k === 'join' ? `(${this.from(f.r, true)})` : this.from(f.r);
        const type = { inner: 'JOIN', left: 'LEFT JOIN', right: 'RIGHT JOIN', full: 'FULL JOIN', cross: 'CROSS JOIN' }[f.type];
        const s = `${this.from(f.l, nested)} ${type} ${right}${f.on ? ' ON ' + this.expr(f.on) : ''}`;
        return s;
      }
    }
  }

  private tail(q: { orderBy?: OrderKey[]; limit?: number; offset?: number }): string {
    let s = '';
    if (q.orderBy?.length) s += ` ORDER BY ${q.orderBy.map((o) => `${o.alias} ${o.desc ? 'DESC' : 'ASC'} NULLS ${o.nullsFirst ? 'FIRST' : 'LAST'}`).join(', ')}`;
    if (q.limit !== undefined) s += ` LIMIT ${q.limit}`;
    if (q.offset !== undefined) s += ` OFFSET ${q.offset}`;
    return s;
  }

  /** `inSubquery`: the SELECT opens an IN or scalar subquery, where a leading parenthesis is misparsed unless the feature is on. */
  select(q: Select, inSubquery = false): string {
    const item = (e: Expr, i: number): string => {
      const s = this.expr(e);
      const guard = inSubquery && i === 0 && s.startsWith('(') && !this.features.subquerySelectStartsWithParen;
      return guard ? `CAST(${s} AS ${SQL_TYPE[e.t]})` : s;
    };
    let s = `SELECT ${q.distinct ? 'DISTINCT ' : ''}${q.items.map((i, n) => `${item(i.e, n)} AS ${i.alias}`).join(', ')}`;
    if (q.from.length) s += ` FROM ${q.from.map((f) => this.from(f)).join(', ')}`;
    if (q.where) s += ` WHERE ${this.expr(q.where)}`;
    if (q.groupBy?.length) s += ` GROUP BY ${q.groupBy.map((g) => this.expr(g)).join(', ')}`;
    if (q.having) s += ` HAVING ${this.expr(q.having)}`;
    return s + this.tail(q);
  }

  query(q: Query, inSubquery = false): string {
    if (q.k === 'select') return this.select(q, inSubquery);
    return `${this.query(q.l, inSubquery)} ${q.op} ${this.select(q.r)}${this.tail(q)}`;
  }
}
