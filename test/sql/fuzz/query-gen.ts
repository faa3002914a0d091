/**
 * Random queries over the fuzzer's tables: joins of every type (comma and cross joins too), derived
 * tables, WHERE trees with subqueries, GROUP BY / HAVING, DISTINCT, set operations, and ORDER BY over
 * every output column (so the order is determined) with LIMIT / OFFSET.
 */
import type { ScalarType } from '../../../src/frame/types.js';
import { Rng } from '../../frame/oracle/random.js';
import { ExprGen, hasColumn, type ExprContext, type ScopeColumn, type SubqueryMaker } from './expr-gen.js';
import type { Features } from './features.js';
import { outputAliases, outputTypes, type Expr, type FromItem, type OrderKey, type Query, type Select, type SetOp } from './sql-ast.js';
import type { FuzzTable } from './table-gen.js';
import { TYPES } from './table-gen.js';

const MAX_DEPTH = 2;

export class QueryGen {
  private readonly eg: ExprGen;
  private aliasCount = 0;
  /** The columns the last top-level SELECT's FROM brought into scope. */
  private rootScope: ScopeColumn[] = [];

  constructor(
    private readonly rng: Rng,
    private readonly features: Features,
    private readonly tables: FuzzTable[],
  ) {
    this.eg = new ExprGen(rng, features);
  }

  private chance(p: number): boolean {
    return this.rng.float() < p;
  }

  /** A top-level query: sometimes a set operation, sometimes ordered with a limit. */
  query(): Query {
    this.aliasCount = 0;
    return this.anyQuery(0, undefined, true);
  }

  /** A SELECT for TLP: no aggregate, no LIMIT, no ORDER BY (so its rows are a multiset partitioned by WHERE). */
  plainSelect(): { q: Select; scope: ScopeColumn[] } {
    this.aliasCount = 0;
    const q = this.select({ depth: 0, allowAggregate: false, allowOrder: false });
    return { q, scope: this.rootScope };
  }

  /** A predicate over `scope` without subqueries (the TLP partitioning predicate). */
  predicate(scope: ScopeColumn[]): Expr {
    return this.eg.pred({ scope, constantAggregates: true });
  }

  private anyQuery(depth: number, types: ScalarType[] | undefined, allowOrder: boolean): Query {
    if (depth < MAX_DEPTH && this.chance(0.15)) {
      const l = this.select({ depth, types, allowOrder: false });
      let q: Query = l;
      const n = 1 + (this.chance(0.3) ? 1 : 0);
      for (let i = 0; i < n; i++) {
        const r = this.select({ depth, types: outputTypes(l), allowOrder: false });
        q = { k: 'setop', op: this.eg.pick(['UNION', 'UNION ALL', 'INTERSECT', 'EXCEPT'] as const), l: q, r } satisfies SetOp;
      }
      // ORDER BY a repeated output name is ambiguous in sluice (as in PostgreSQL); DuckDB picks one (KNOWN.md).
      if (allowOrder && this.chance(0.3) && new Set(outputAliases(q)).size === outputAliases(q).length) this.order(q as SetOp, outputAliases(q));
      return q;
    }
    return this.select({ depth, types, allowOrder });
  }

  /** ORDER BY every output column (a total order over distinct rows), sometimes LIMIT / OFFSET. */
  private order(q: Select | SetOp, aliases: string[]): void {
    const keys: OrderKey[] = aliases.map((alias) => ({ alias, desc: this.chance(0.5), nullsFirst: this.chance(0.5) }));
    for (let i = keys.length - 1; i > 0; i--) {
      const j = this.rng.below(i + 1);
      [keys[i], keys[j]] = [keys[j]!, keys[i]!];
    }
    q.orderBy = keys;
    if (this.chance(0.6)) q.limit = this.rng.below(6);
    if (q.k === 'select' && q.limit !== undefined && this.chance(0.3)) q.offset = this.rng.below(4);
  }

  private alias(prefix: string): string {
    return `${prefix}${++this.aliasCount}`;
  }

  /** A table or derived table, with the columns it brings into scope; `used` tables are not taken again when names must differ. */
  private fromLeaf(depth: number, used: Set<string>): [FromItem, ScopeColumn[]] {
    const free = this.features.duplicateOutputNames ? this.tables : this.tables.filter((t) => !used.has(t.name));
    if ((depth < MAX_DEPTH && this.chance(0.2)) || !free.length) {
      const q = this.anyQuery(depth + 1, undefined, true);
      const alias = this.alias('q');
      const types = outputTypes(q);
      return [{ k: 'derived', q, alias }, outputAliases(q).map((a, i) => ({ ref: `${alias}.${a}`, t: types[i]! }))];
    }
    const t = this.eg.pick(free);
    used.add(t.name);
    const alias = this.alias('a');
    return [{ k: 'table', name: t.name, alias }, t.columns.map((c) => ({ ref: `${alias}.${c.name}`, t: c.type }))];
  }

  /** A join condition: usually an equality of like-typed columns, sometimes with (or instead) a random predicate. */
  private joinCondition(l: ScopeColumn[], r: ScopeColumn[]): Expr {
    const pairs = l.flatMap((a) => r.filter((b) => b.t === a.t).map((b) => [a, b] as const));
    const scope = [...l, ...r];
    const extra = (): Expr => this.eg.pred({ scope, constantAggregates: true }, 1);
    if (!pairs.length || this.chance(0.15)) return extra();
    const [a, b] = this.eg.pick(pairs);
    const eq: Expr = { k: 'bin', t: 'bool', op: '=', l: { k: 'col', t: a.t, ref: a.ref }, r: { k: 'col', t: b.t, ref: b.ref } };
    return this.chance(0.25) ? { k: 'bin', t: 'bool', op: 'AND', l: eq, r: extra() } : eq;
  }

  /** 1..3 FROM items joined by JOINs of every type or commas. */
  private from(depth: number): [FromItem[], ScopeColumn[], boolean] {
    const used = new Set<string>();
    const [first, firstScope] = this.fromLeaf(depth, used);
    const items: FromItem[] = [first];
    let scope = firstScope;
    // A JOIN's ON sees only the item it extends, not the comma-separated items before it.
    let lastScope = firstScope;
    const n = this.rng.below(depth === 0 ? 3 : 2);
    for (let i = 0; i < n; i++) {
      let [right, rightScope] = this.fromLeaf(depth, used);
      if (this.features.parenthesizedJoins && this.chance(0.2)) {
        const [rr, rrScope] = this.fromLeaf(depth, used);
        right = { k: 'join', type: 'cross', l: right, r: rr };
        rightScope = [...rightScope, ...rrScope];
      }
      let kind = this.eg.pick(['comma', 'cross', 'inner', 'inner', 'left', 'right', 'full'] as const);
      if (kind === 'comma' && !this.features.commaAfterJoin && items[items.length - 1]!.k === 'join') kind = 'cross';
      if ((kind === 'right' || kind === 'full') && items.length > 1 && !this.features.commaBeforeOuterJoin) kind = 'left';
      if (kind === 'comma') {
        items.push(right);
        lastScope = rightScope;
      } else {
        const last = items.pop()!;
        const on = kind === 'cross' ? undefined : this.joinCondition(lastScope, rightScope);
        items.push({ k: 'join', type: kind, l: last, r: right, on });
        lastScope = [...lastScope, ...rightScope];
      }
      scope = [...scope, ...rightScope];
    }
    const simple = items.length === 1 && items[0]!.k === 'table';
    return [items, scope, simple];
  }

  private subqueries(depth: number): SubqueryMaker | undefined {
    if (depth >= MAX_DEPTH) return undefined;
    return {
      column: (t) => this.select({ depth: depth + 1, types: [t], allowOrder: false }),
      scalar: (t) => this.scalarQuery(depth + 1, t),
      exists: (outer) => this.existsQuery(depth + 1, outer, depth > 0 && !this.features.nestedCorrelatedExists),
    };
  }

  /** `SELECT agg(..) FROM ..`: one row, one column. */
  private scalarQuery(depth: number, t: ScalarType): Query | undefined {
    const [from, scope, simple] = this.from(depth);
    const ctx: ExprContext = { scope, constantAggregates: simple || this.features.zeroColumnBatches };
    const agg = this.eg.aggregate(ctx, t, 1);
    if (!agg) return undefined;
    const where = this.chance(0.5) ? this.eg.pred(ctx, 1) : undefined;
    return { k: 'select', distinct: false, items: [{ e: agg, alias: this.alias('s') }], from, where };
  }

  /** `SELECT 1 FROM .. WHERE inner.x = outer.y AND ..` (correlated when a like-typed pair exists). */
  private existsQuery(depth: number, outer: ScopeColumn[], uncorrelated = false): Query {
    const [from, scope, simple] = this.from(depth);
    const ctx: ExprContext = { scope, constantAggregates: simple || this.features.zeroColumnBatches };
    const pairs = scope.flatMap((a) => outer.filter((b) => b.t === a.t).map((b) => [a, b] as const));
    const conds: Expr[] = [];
    if (pairs.length && !uncorrelated && this.chance(0.8)) {
      const [a, b] = this.eg.pick(pairs);
      conds.push({ k: 'bin', t: 'bool', op: this.chance(0.8) ? '=' : '<', l: { k: 'col', t: a.t, ref: a.ref }, r: { k: 'col', t: b.t, ref: b.ref } });
    }
    if (this.chance(0.5)) conds.push(this.eg.pred(ctx, 1));
    const where = conds.reduce<Expr | undefined>((acc, c) => (acc ? { k: 'bin', t: 'bool', op: 'AND', l: acc, r: c } : c), undefined);
    const item = scope.length ? { k: 'col' as const, t: scope[0]!.t, ref: scope[0]!.ref } : this.eg.literal('int32');
    return { k: 'select', distinct: false, items: [{ e: item, alias: this.alias('e') }], from, where };
  }

  /** A SELECT with `types` as its output column types when given. */
  select(opts: { depth: number; types?: ScalarType[]; allowOrder: boolean; allowAggregate?: boolean }): Select {
    const { depth } = opts;
    if (this.features.selectWithoutFrom && opts.allowAggregate !== false && this.chance(0.03)) {
      const ctx: ExprContext = { scope: [], constantAggregates: true };
      const types = opts.types ?? [this.eg.pick(TYPES)];
      return { k: 'select', distinct: false, items: types.map((t) => ({ e: this.eg.expr(ctx, t), alias: this.alias('c') })), from: [] };
    }
    const [from, scope, simple] = this.from(depth);
    if (depth === 0) this.rootScope = scope;
    const constantAggregates = simple || this.features.zeroColumnBatches;
    const rowCtx: ExprContext = { scope, constantAggregates, subqueries: this.subqueries(depth) };
    const where = this.chance(0.7) ? this.where(rowCtx) : undefined;
    const types = opts.types ?? Array.from({ length: 1 + this.rng.below(4) }, () => this.eg.pick(TYPES));
    const q: Select = { k: 'select', distinct: this.chance(0.15), items: [], from, where };
    const selectCtx: ExprContext = { ...rowCtx, subqueries: this.features.scalarSubqueriesInSelect ? rowCtx.subqueries : undefined };
    if (opts.allowAggregate !== false && this.chance(0.3)) {
      // A key with no column could fold to an integer, which DuckDB reads as a position (GROUP BY 1): KNOWN.md.
      const key = (): Expr => {
        const e = this.eg.expr({ ...rowCtx, subqueries: undefined }, this.eg.pick(TYPES), 2);
        const c = this.eg.pick(scope);
        return hasColumn(e) ? e : { k: 'col', t: c.t, ref: c.ref };
      };
      const keys = Array.from({ length: this.rng.below(3) }, key);
      q.groupBy = keys.length ? keys : undefined;
      const aggCtx: ExprContext = { ...selectCtx, groupKeys: keys };
      q.items = types.map((t) => ({ e: this.eg.expr(aggCtx, t, 1), alias: this.alias('c') }));
      // DuckDB cannot match a boolean key expression under NOT in HAVING (it rewrites NOT (a <= b) first): KNOWN.md.
      const havingKeys = keys.filter((k) => k.t !== 'bool' || k.k === 'col');
      if (this.chance(0.4)) q.having = this.eg.pred({ ...aggCtx, groupKeys: havingKeys, subqueries: undefined }, 1);
    } else {
      q.items = types.map((t) => ({ e: this.eg.expr(selectCtx, t), alias: this.alias('c') }));
      // Without zero-column batch support, a SELECT over joins keeps a column.
      if (!constantAggregates && !q.items.some((i) => hasColumn(i.e)) && scope.length) {
        const c = this.eg.pick(scope);
        const e = q.items[0]!.e;
        const when: Expr = { k: 'isnull', t: 'bool', e: { k: 'col', t: c.t, ref: c.ref }, neg: false };
        q.items[0] = { e: { k: 'case', t: e.t, whens: [{ when, then: e }], else: e }, alias: q.items[0]!.alias };
      }
    }
    // Only in the outer query: a derived table's reference to a repeated name is ambiguous in sluice (as in Spark), where DuckDB picks one (KNOWN.md).
    if (this.features.duplicateOutputNames && depth === 0 && q.items.length > 1 && this.chance(0.05)) q.items[1]!.alias = q.items[0]!.alias;
    if (opts.allowOrder && this.chance(0.3) && new Set(outputAliases(q)).size === q.items.length) this.order(q, outputAliases(q));
    return q;
  }

  /** A WHERE predicate: subqueries may stand as top-level conjuncts, deeper only with subqueriesUnderOrNot. */
  private where(ctx: ExprContext): Expr {
    const conjuncts = Array.from({ length: 1 + this.rng.below(2) }, () => this.eg.pred(ctx));
    return conjuncts.reduce((acc, c) => ({ k: 'bin', t: 'bool', op: 'AND', l: acc, r: c }));
  }
}
