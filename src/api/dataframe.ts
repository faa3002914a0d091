import { Expr, toExpr } from '../frame/expr/expr-builder.js';
import type { LogicalPlan } from '../frame/logical/plan.js';
import { printPlan } from '../frame/logical/print.js';
import { outputSchema } from '../frame/logical/schema.js';
import { printPhysical } from '../frame/physical/print-physical.js';
import { isNumeric, type Schema } from '../frame/types.js';
import { parseExpression } from '../sql/parse-expression.js';
import { Dataset } from './dataset.js';
import { checkpointFrame, collectRecords, countRows, showString, toArrow, writeFiles } from './frame/frame-actions.js';
import type { FileFormat, FrameContext } from './frame/frame-context.js';
import * as v from './frame/verbs.js';
import type { ColumnLike, JoinHow, JoinOn, SortLike } from './frame/verbs.js';

/** A row of a DataFrame as a plain object: column name to value (number, string, boolean, Date, array or null). */
export type Row = Record<string, unknown>;

/**
 * A distributed table with a schema: an immutable logical plan that runs, when
 * an action asks, through the analyzer, the optimizer and the physical planner
 * into stages of vectorized operators on the session's workers.
 *
 * ```ts
 * import { Session, col, avg } from 'sluice';
 * const s = await Session.local();
 * const people = s.createDataFrame([{ name: 'a', age: 30, city: 'x', salary: 10 }, { name: 'b', age: 20, city: 'x', salary: 20 }]);
 * const out = people.filter(col('age').gt(25)).groupBy('city').agg(avg('salary').as('avg_salary'));
 * console.log(await out.collect()); // [{ city: 'x', avg_salary: 10 }]
 * await s.stop();
 * ```
 */
export class DataFrame {
  /** @internal */
  constructor(
    readonly ctx: FrameContext,
    readonly plan: LogicalPlan,
  ) {}

  private next(plan: LogicalPlan): DataFrame {
    return new DataFrame(this.ctx, plan);
  }

  /** The output schema (names, types, nullability), resolved now: unknown columns fail here. */
  get schema(): Schema {
    return outputSchema(this.ctx.analyze(this.plan));
  }

  get columns(): string[] {
    return this.schema.fields.map((f) => f.name);
  }

  select(...cols: ColumnLike[]): DataFrame {
    return this.next(v.select(this.plan, cols));
  }

  /** Projections written as SQL expressions: `selectExpr('a + 1 AS b', 'upper(c)')`. */
  selectExpr(...exprs: string[]): DataFrame {
    return this.next({ kind: 'project', input: this.plan, exprs: exprs.map((e) => parseExpression(e)) });
  }

  /** Rows where the condition is true (null counts as false); a string is a SQL expression. */
  filter(condition: Expr | string): DataFrame {
    return this.next(v.filter(this.plan, typeof condition === 'string' ? parseExpression(condition) : condition.node));
  }

  where(condition: Expr | string): DataFrame {
    return this.filter(condition);
  }

  withColumn(name: string, e: Expr): DataFrame {
    return this.next(v.withColumn(this.plan, this.columns, name, e.node));
  }

  withColumnRenamed(from: string, to: string): DataFrame {
    return this.next(v.withColumnRenamed(this.plan, this.columns, from, to));
  }

  drop(...names: string[]): DataFrame {
    return this.next(v.drop(this.plan, this.columns, names));
  }

  groupBy(...cols: ColumnLike[]): GroupedData {
    return new GroupedData(this, cols);
  }

  /** Aggregates over the whole table: one row. */
  agg(...aggs: Expr[]): DataFrame {
    return this.next(v.aggregate(this.plan, [], aggs));
  }

  /**
   * Joins on columns of the same name (`'id'` or `['a', 'b']`, output once), on a
   * condition (`col('l.id').eq(col('r.id'))` over aliased frames), or with no
   * condition a cross join. `how`: inner, left, right, full, semi, anti, cross.
   */
  join(other: DataFrame, on?: JoinOn, how: JoinHow = 'inner'): DataFrame {
    return this.next(v.join(this.plan, other.plan, on, how));
  }

  crossJoin(other: DataFrame): DataFrame {
    return this.next(v.join(this.plan, other.plan, undefined, 'cross'));
  }

  /** Names this frame's columns' qualifier, for conditions like `col('a.id')`. */
  alias(name: string): DataFrame {
    return this.next({ kind: 'subqueryAlias', input: this.plan, alias: name });
  }

  orderBy(...cols: SortLike[]): DataFrame {
    return this.next(v.orderBy(this.plan, cols));
  }

  sort(...cols: SortLike[]): DataFrame {
    return this.orderBy(...cols);
  }

  limit(n: number): DataFrame {
    return this.next(v.limit(this.plan, n));
  }

  distinct(): DataFrame {
    return this.next({ kind: 'distinct', input: this.plan });
  }

  /** Keeps one row per combination of `cols` (every column when none are given). */
  dropDuplicates(cols: string[] = []): DataFrame {
    return this.next({ kind: 'dropDuplicates', input: this.plan, keys: cols });
  }

  /** Rows of both (UNION ALL; columns matched by position). `distinct()` afterwards for UNION. */
  union(...others: DataFrame[]): DataFrame {
    return this.next(v.union([this.plan, ...others.map((o) => o.plan)], true));
  }

  unionAll(...others: DataFrame[]): DataFrame {
    return this.union(...others);
  }

  /** count, mean, stddev, min, max of the given columns (all by default), as strings, one row per statistic. */
  describe(...cols: string[]): DataFrame {
    const fields = this.schema.fields.filter((f) => (cols.length ? cols.includes(f.name) : true));
    return this.next(v.describe(this.plan, fields.map((f) => ({ name: f.name, numeric: isNumeric(f.type) }))));
  }

  /** Hash-partitions by `cols` into n partitions, or spreads rows round-robin when no columns are given. */
  repartition(n: number, ...cols: ColumnLike[]): DataFrame {
    return this.next(v.repartition(this.plan, n, cols));
  }

  /** Keeps the computed rows in the workers' block store (spilling past memory) for the next queries. */
  cache(): DataFrame {
    return this.next(this.ctx.cachePlan(this.plan));
  }

  persist(): DataFrame {
    return this.cache();
  }

  /**
   * Writes this frame's rows to the session's checkpoint directory now (Arrow IPC files) and
   * returns a frame that scans them: its plan starts there, so nothing before it is computed
   * again and iterative loops keep a short plan.
   *
   * ```ts
   * let df = s.createDataFrame([{ x: 1 }]);
   * for (let i = 1; i <= 50; i++) {
   *   df = df.select(col('x').plus(1).as('x'));
   *   if (i % 10 === 0) df = await df.checkpoint();
   * }
   * ```
   */
  async checkpoint(): Promise<DataFrame> {
    return this.next(await checkpointFrame(this.ctx, this.plan));
  }

  /**
   * Drops the cached rows of this frame (when it is a cache()d frame) and the
   * shuffles that computed them. The frame stays a cached one: its next action
   * computes and caches the rows again.
   */
  unpersist(): DataFrame {
    if (this.plan.kind === 'cache') this.ctx.uncache(this.plan.id);
    return this;
  }

  count(): Promise<number> {
    return countRows(this.ctx, this.plan);
  }

  collect(): Promise<Row[]> {
    return collectRecords(this.ctx, this.plan);
  }

  take(n: number): Promise<Row[]> {
    return collectRecords(this.ctx, v.limit(this.plan, n), n);
  }

  head(n = 1): Promise<Row[]> {
    return this.take(n);
  }

  async first(): Promise<Row | undefined> {
    return (await this.take(1))[0];
  }

  /** Prints the first n rows as a table. */
  async show(n = 20, truncate = 20): Promise<void> {
    console.log(await showString(this.ctx, v.limit(this.plan, n + 1), n, truncate));
  }

  showString(n = 20, truncate = 20): Promise<string> {
    return showString(this.ctx, v.limit(this.plan, n + 1), n, truncate);
  }

  /**
   * The rows as an Apache Arrow table (apache-arrow's Table). Strings are
   * dictionary-encoded; a dictionary may repeat an entry (Arrow allows it)
   * unless its field carries the metadata `sluice.distinct-dict`.
   */
  toArrow(): ReturnType<typeof toArrow> {
    return toArrow(this.ctx, this.plan);
  }

  /** The rows as a Dataset of plain objects, for record-at-a-time processing. */
  toDataset(): Dataset<Row> {
    const { node } = this.ctx.compile(this.plan);
    const ids = this.ctx.engine.ids;
    return new Dataset<Row>(this.ctx.engine, { id: ids.nodeId(), op: 'toDataset', numPartitions: node.numPartitions, compute: { kind: 'frameRecords' }, deps: [{ type: 'narrow', node }] });
  }

  /** Registers this frame as a view that SQL can query by name. */
  createOrReplaceTempView(name: string): void {
    this.ctx.views.set(name, { kind: 'subqueryAlias', input: this.plan, alias: name });
  }

  /** The logical plan (analyzed), the optimized plan and the physical plan with its stages and shuffles. */
  explainString(): string {
    const q = this.ctx.compile(this.plan);
    return ['== Logical Plan ==', printPlan(q.analyzed), '', '== Optimized Logical Plan ==', printPlan(q.optimized), '', '== Physical Plan ==', printPhysical(q.node)].join('\n');
  }

  explain(): void {
    console.log(this.explainString());
  }

  printSchema(): void {
    console.log(['root', ...this.schema.fields.map((f) => ` |-- ${f.name}: ${typeof f.type === 'object' ? 'list' : f.type} (nullable = ${f.nullable})`)].join('\n'));
  }

  /** Writers of this frame's rows: `await df.write.parquet('out/', { partitionBy: ['year'] })`. */
  get write(): DataFrameWriter {
    return new DataFrameWriter(this);
  }
}

/** `df.groupBy(...)`: aggregate the groups with `agg(...)` or a shortcut. */
export class GroupedData {
  constructor(
    private readonly df: DataFrame,
    private readonly keys: ColumnLike[],
  ) {}

  agg(...aggs: Expr[]): DataFrame {
    return new DataFrame(this.df.ctx, v.aggregate(this.df.plan, this.keys, aggs));
  }

  /** Rows per group, in a column named `count`. */
  count(): DataFrame {
    return this.agg(aggExpr('count_star', [], 'count'));
  }

  /** Sum of each column given; with none, of every numeric column (Spark's rule, grouping keys included). */
  sum(...cols: string[]): DataFrame {
    return this.numeric('sum', cols);
  }

  /** Average of each column given; with none, of every numeric column: `df.groupBy('dept').avg()`. */
  avg(...cols: string[]): DataFrame {
    return this.numeric('avg', cols);
  }

  mean(...cols: string[]): DataFrame {
    return this.avg(...cols);
  }

  /** Minimum of each column given; with none, of every numeric column. */
  min(...cols: string[]): DataFrame {
    return this.numeric('min', cols);
  }

  /** Maximum of each column given; with none, of every numeric column. */
  max(...cols: string[]): DataFrame {
    return this.numeric('max', cols);
  }

  private numeric(fn: 'sum' | 'avg' | 'min' | 'max', cols: string[]): DataFrame {
    const names = cols.length > 0 ? cols : numericColumns(this.df.schema);
    // No numeric column: the groups alone, as in Spark.
    return new DataFrame(this.df.ctx, v.aggregate(this.df.plan, this.keys, names.map((c) => aggExpr(fn, [c], `${fn}(${c})`)), cols.length === 0));
  }
}

/** The names of the int32, int64 and float64 columns, in order. */
function numericColumns(schema: Schema): string[] {
  return schema.fields.filter((f) => isNumeric(f.type)).map((f) => f.name);
}

function aggExpr(fn: 'count_star' | 'sum' | 'avg' | 'min' | 'max', cols: string[], name: string): Expr {
  return new Expr({ kind: 'alias', arg: { kind: 'agg', fn, args: cols.map((c) => toExpr(c)), distinct: false, params: [] }, name });
}

/** Writes a DataFrame's rows as files: one per partition, atomically (a failed job leaves no output). */
export class DataFrameWriter {
  constructor(private readonly df: DataFrame) {}

  csv(dir: string, opts: { header?: boolean; delimiter?: string; partitionBy?: string[] } = {}): Promise<void> {
    return this.files('csv', dir, opts);
  }

  jsonLines(dir: string, opts: { partitionBy?: string[] } = {}): Promise<void> {
    return this.files('jsonLines', dir, opts);
  }

  parquet(dir: string, opts: { partitionBy?: string[] } = {}): Promise<void> {
    return this.files('parquet', dir, opts);
  }

  arrow(dir: string, opts: { partitionBy?: string[] } = {}): Promise<void> {
    return this.files('arrow', dir, opts);
  }

  private files(format: FileFormat, dir: string, opts: Record<string, unknown>): Promise<void> {
    return writeFiles(this.df.ctx, this.df.plan, format, dir, opts);
  }
}
