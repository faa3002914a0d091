import type { PlanNode } from '../plan/node.js';
import type { Partitioner } from '../plan/partitioner.js';
import * as act from './actions.js';
import type { Engine } from '../driver/engine.js';
import { checkpointRecords } from '../driver/checkpoint.js';
import { describePlan } from './describe-plan.js';
import { narrowNode, ship } from './plan-builders.js';
import * as sh from './shuffle-ops.js';
import { checkPartitionCount } from '../util/partition-count.js';
import type { AsyncOptions, Env, ManyOrAsync, Pair, Widen } from './types.js';

/**
 * A distributed collection of records, split into partitions (Spark's RDD).
 * Transformations return new Datasets and run nothing; actions run a job and
 * return a Promise. Functions travel to workers as source text: values they
 * use come through `env`, their last parameter.
 *
 * ```ts
 * const s = await Session.local();
 * const counts = await s.textFile('book.txt')
 *   .flatMap((line) => line.toLowerCase().match(/[a-z]+/g) ?? [])
 *   .map((w) => [w, 1] as const)
 *   .reduceByKey((a, b) => a + b)
 *   .top(10, (a, b) => a[1] - b[1]);
 * await s.stop();
 * ```
 */
export class Dataset<T> {
  /** @internal Datasets are made by a Session and by transformations. */
  constructor(
    readonly engine: Engine,
    readonly node: PlanNode,
  ) {
    engine.driver.cleaner.track(node);
  }

  get numPartitions(): number {
    return this.node.numPartitions;
  }

  private next<U>(node: PlanNode): Dataset<U> {
    return new Dataset<U>(this.engine, node);
  }

  private one<U>(op: string, compute: PlanNode['compute'], keepsPartitioner = false): Dataset<U> {
    return this.next(narrowNode(this.engine.ids, this.node, op, compute, keepsPartitioner));
  }

  // ---- narrow transformations ----

  /**
   * Applies `f` to each record. `f` may be async (or return a promise): results are awaited,
   * at most `opts.concurrency` (default 16) pending per task, in input order:
   * `urls.map(async (u) => (await fetch(u)).status, {}, { concurrency: 8 })`.
   * The same holds for filter, flatMap, keyBy, mapValues, flatMapValues and foreach.
   */
  map<U, E extends Env = Env>(f: (x: T, env: E) => U, env?: E, opts?: AsyncOptions): Dataset<Awaited<U>> {
    return this.one('map', { kind: 'map', fn: ship(f, env, 'map', opts) });
  }

  filter<E extends Env = Env>(f: (x: T, env: E) => unknown, env?: E, opts?: AsyncOptions): Dataset<T> {
    return this.one('filter', { kind: 'filter', fn: ship(f, env, 'filter', opts) }, true);
  }

  /** `f` returns an array, an iterable (generator), an async generator, or a promise of an array. */
  flatMap<U, E extends Env = Env>(f: (x: T, env: E) => ManyOrAsync<U>, env?: E, opts?: AsyncOptions): Dataset<U> {
    return this.one('flatMap', { kind: 'flatMap', fn: ship(f, env, 'flatMap', opts) });
  }

  /**
   * Runs `f` once per partition over an iterator of its records; `f` returns an iterable (often a
   * generator), an async generator, or a promise of an array.
   */
  mapPartitions<U, E extends Env = Env>(f: (records: IterableIterator<T>, env: E) => ManyOrAsync<U>, env?: E): Dataset<U> {
    return this.one('mapPartitions', { kind: 'mapPartitions', fn: ship(f, env, 'mapPartitions'), withIndex: false });
  }

  mapPartitionsWithIndex<U, E extends Env = Env>(f: (index: number, records: IterableIterator<T>, env: E) => ManyOrAsync<U>, env?: E): Dataset<U> {
    return this.one('mapPartitionsWithIndex', { kind: 'mapPartitions', fn: ship(f, env, 'mapPartitionsWithIndex'), withIndex: true });
  }

  keyBy<K, E extends Env = Env>(f: (x: T, env: E) => K, env?: E, opts?: AsyncOptions): Dataset<[Awaited<K>, T]> {
    return this.one('keyBy', { kind: 'keyBy', fn: ship(f, env, 'keyBy', opts) });
  }

  mapValues<K, V, U, E extends Env = Env>(this: Dataset<Pair<K, V>>, f: (v: V, env: E) => U, env?: E, opts?: AsyncOptions): Dataset<[K, Awaited<U>]> {
    return this.one('mapValues', { kind: 'mapValues', fn: ship(f, env, 'mapValues', opts) }, true);
  }

  flatMapValues<K, V, U, E extends Env = Env>(this: Dataset<Pair<K, V>>, f: (v: V, env: E) => ManyOrAsync<U>, env?: E, opts?: AsyncOptions): Dataset<[K, U]> {
    return this.one('flatMapValues', { kind: 'flatMapValues', fn: ship(f, env, 'flatMapValues', opts) }, true);
  }

  keys<K, V>(this: Dataset<Pair<K, V>>): Dataset<K> {
    return this.one('keys', { kind: 'keys' });
  }

  values<K, V>(this: Dataset<Pair<K, V>>): Dataset<V> {
    return this.one('values', { kind: 'values' });
  }

  /** Concatenates the partitions of several datasets (no shuffle). */
  union(...others: Dataset<T>[]): Dataset<T> {
    const parents = [this.node, ...others.map((o) => o.node)];
    const node = narrowNode(this.engine.ids, this.node, 'union', { kind: 'union' });
    return this.next({ ...node, numPartitions: parents.reduce((n, p) => n + p.numPartitions, 0), deps: parents.map((p) => ({ type: 'narrow', node: p })) });
  }

  /** A random sample: each record kept with probability `fraction`, or drawn Poisson(fraction) times with replacement. */
  sample(withReplacement: boolean, fraction: number, seed = Math.floor(Math.random() * 2 ** 31)): Dataset<T> {
    if (!(fraction >= 0) || (!withReplacement && fraction > 1)) throw new RangeError(`sample fraction must be in [0, 1] without replacement, ≥ 0 with; got ${fraction}`);
    return this.one('sample', { kind: 'sample', withReplacement, fraction, seed }, true);
  }

  /** Pairs each record with its index in the dataset's order (runs a counting job first). */
  zipWithIndex(): Dataset<[T, number]> {
    return this.one('zipWithIndex', { kind: 'zipWithIndex' });
  }

  /** Fewer partitions: without `shuffle`, neighbouring partitions are concatenated; with it, records are redistributed evenly. */
  coalesce(numPartitions: number, shuffle = false): Dataset<T> {
    return this.next(shuffle ? sh.repartitionNode(this.engine.ids, this.node, numPartitions, 'coalesce') : sh.coalesceNode(this.engine.ids, this.node, numPartitions));
  }

  // ---- shuffles ----

  reduceByKey<K, V, E extends Env = Env>(this: Dataset<Pair<K, V>>, f: (a: Widen<V>, b: Widen<V>, env: E) => Widen<V>, env?: E, numPartitions = this.numPartitions): Dataset<[K, Widen<V>]> {
    return this.next(sh.combineByKeyNode(this.engine.ids, this.node, 'reduceByKey', { kind: 'reduce', fn: ship(f, env, 'reduceByKey') }, numPartitions));
  }

  foldByKey<K, V, E extends Env = Env>(this: Dataset<Pair<K, V>>, zero: Widen<V>, f: (a: Widen<V>, b: Widen<V>, env: E) => Widen<V>, env?: E, numPartitions = this.numPartitions): Dataset<[K, Widen<V>]> {
    return this.next(sh.combineByKeyNode(this.engine.ids, this.node, 'foldByKey', { kind: 'fold', zero, fn: ship(f, env, 'foldByKey') }, numPartitions));
  }

  aggregateByKey<K, V, U, E extends Env = Env>(
    this: Dataset<Pair<K, V>>,
    zero: U,
    seqOp: (acc: U, v: V, env: E) => U,
    combOp: (a: U, b: U, env: E) => U,
    env?: E,
    numPartitions = this.numPartitions,
  ): Dataset<[K, U]> {
    const agg = { kind: 'aggregate' as const, zero, seqOp: ship(seqOp, env, 'aggregateByKey'), combOp: ship(combOp, env, 'aggregateByKey') };
    return this.next(sh.combineByKeyNode(this.engine.ids, this.node, 'aggregateByKey', agg, numPartitions));
  }

  combineByKey<K, V, C, E extends Env = Env>(
    this: Dataset<Pair<K, V>>,
    createCombiner: (v: V, env: E) => C,
    mergeValue: (c: C, v: V, env: E) => C,
    mergeCombiners: (a: C, b: C, env: E) => C,
    env?: E,
    numPartitions = this.numPartitions,
  ): Dataset<[K, C]> {
    const op = 'combineByKey';
    const agg = { kind: 'combine' as const, create: ship(createCombiner, env, op), mergeValue: ship(mergeValue, env, op), mergeCombiners: ship(mergeCombiners, env, op) };
    return this.next(sh.combineByKeyNode(this.engine.ids, this.node, op, agg, numPartitions));
  }

  groupByKey<K, V>(this: Dataset<Pair<K, V>>, numPartitions = this.numPartitions): Dataset<[K, V[]]> {
    return this.next(sh.combineByKeyNode(this.engine.ids, this.node, 'groupByKey', { kind: 'group' }, numPartitions, false));
  }

  cogroup<K, V, W>(this: Dataset<Pair<K, V>>, other: Dataset<Pair<K, W>>, numPartitions = Math.max(this.numPartitions, other.numPartitions)): Dataset<[K, [V[], W[]]]> {
    return this.next(sh.cogroupNode(this.engine.ids, [this.node, other.node], 'cogroup', numPartitions));
  }

  join<K, V, W>(this: Dataset<Pair<K, V>>, other: Dataset<Pair<K, W>>, numPartitions = Math.max(this.numPartitions, other.numPartitions)): Dataset<[K, [V, W]]> {
    return this.next(sh.joinNode(this.engine.ids, this.node, other.node, 'inner', numPartitions));
  }

  leftOuterJoin<K, V, W>(this: Dataset<Pair<K, V>>, other: Dataset<Pair<K, W>>, numPartitions = Math.max(this.numPartitions, other.numPartitions)): Dataset<[K, [V, W | undefined]]> {
    return this.next(sh.joinNode(this.engine.ids, this.node, other.node, 'left', numPartitions));
  }

  rightOuterJoin<K, V, W>(this: Dataset<Pair<K, V>>, other: Dataset<Pair<K, W>>, numPartitions = Math.max(this.numPartitions, other.numPartitions)): Dataset<[K, [V | undefined, W]]> {
    return this.next(sh.joinNode(this.engine.ids, this.node, other.node, 'right', numPartitions));
  }

  fullOuterJoin<K, V, W>(this: Dataset<Pair<K, V>>, other: Dataset<Pair<K, W>>, numPartitions = Math.max(this.numPartitions, other.numPartitions)): Dataset<[K, [V | undefined, W | undefined]]> {
    return this.next(sh.joinNode(this.engine.ids, this.node, other.node, 'full', numPartitions));
  }

  /** Distinct records, compared by value. */
  distinct(numPartitions = this.numPartitions): Dataset<T> {
    checkPartitionCount(numPartitions, 'distinct');
    const pairs = this.map((x) => [x, null] as [T, null]);
    return pairs.reduceByKey((a) => a, undefined, numPartitions).keys();
  }

  /** Sorts by the key `f` returns (range partitioning from a sample, then a sort within each partition). */
  sortBy<K, E extends Env = Env>(f: (x: T, env: E) => K, ascending = true, numPartitions = this.numPartitions, env?: E): Dataset<T> {
    checkPartitionCount(numPartitions, 'sortBy');
    return this.keyBy(f, env).sortByKey(ascending, numPartitions).values();
  }

  sortByKey<K, V>(this: Dataset<Pair<K, V>>, ascending = true, numPartitions = this.numPartitions): Dataset<[K, V]> {
    return this.next(sh.sortByKeyNode(this.engine.ids, this.node, ascending, numPartitions));
  }

  partitionBy<K, V>(this: Dataset<Pair<K, V>>, partitioner: Partitioner): Dataset<[K, V]> {
    return this.next(sh.partitionByNode(this.engine.ids, this.node, partitioner.spec));
  }

  /** Redistributes records evenly over `numPartitions` partitions (a round-robin shuffle). */
  repartition(numPartitions: number): Dataset<T> {
    return this.next(sh.repartitionNode(this.engine.ids, this.node, numPartitions));
  }

  // ---- persistence ----

  /** Keeps computed partitions in the block store (memory, spilling to disk past the budget) for later jobs. */
  cache(): this {
    this.node.cached = true;
    return this;
  }

  persist(): this {
    return this.cache();
  }

  unpersist(): this {
    this.node.cached = false;
    this.engine.driver.uncache(this.node.id);
    return this;
  }

  /**
   * Writes this Dataset's partitions to the session's checkpoint directory now, and returns a
   * Dataset that reads them back: its lineage starts there (no parents), so a lost worker or a
   * later job never recomputes what came before, and iterative loops keep a short plan. The
   * partitioner is kept.
   *
   * ```ts
   * let ranks = s.parallelize([['a', 1]] as [string, number][]);
   * for (let i = 1; i <= 50; i++) {
   *   ranks = ranks.mapValues((v) => v * 0.85 + 0.15);
   *   if (i % 10 === 0) ranks = await ranks.checkpoint();
   * }
   * ```
   */
  async checkpoint(): Promise<Dataset<T>> {
    return this.next(await checkpointRecords(this.engine, this.node));
  }

  /** The lineage, indented, with stage boundaries at shuffles (Spark's toDebugString). */
  toDebugString(): string {
    return describePlan(this.node, (n) => this.engine.driver.blocks.isFullyCached(n.id, n.numPartitions));
  }

  // ---- actions ----

  collect(): Promise<T[]> {
    return act.collect(this.engine, this.node);
  }

  count(): Promise<number> {
    return act.count(this.engine, this.node);
  }

  take(n: number): Promise<T[]> {
    return act.take(this.engine, this.node, n);
  }

  async first(): Promise<T> {
    const xs = await this.take(1);
    if (!xs.length) throw new RangeError('first() of an empty dataset');
    return xs[0]!;
  }

  /** The n smallest records, by `compare` or by value. */
  takeOrdered(n: number, compare?: (a: T, b: T) => number): Promise<T[]> {
    return act.takeOrdered(this.engine, this.node, n, compare, false);
  }

  /** The n largest records, by `compare` or by value. */
  top(n: number, compare?: (a: T, b: T) => number): Promise<T[]> {
    return act.takeOrdered(this.engine, this.node, n, compare, true);
  }

  /** Combines all records with `f` (which may be async; it is awaited). */
  reduce<E extends Env = Env>(f: (a: T, b: T, env: E) => T | Promise<T>, env?: E): Promise<T> {
    return act.reduce(this.engine, this.node, f as never, env);
  }

  fold<E extends Env = Env>(zero: T, f: (a: T, b: T, env: E) => T | Promise<T>, env?: E): Promise<T> {
    return act.aggregate(this.engine, this.node, zero, f as never, f as never, env, 'fold');
  }

  aggregate<U, E extends Env = Env>(zero: U, seqOp: (acc: U, x: T, env: E) => U | Promise<U>, combOp: (a: U, b: U, env: E) => U | Promise<U>, env?: E): Promise<U> {
    return act.aggregate(this.engine, this.node, zero, seqOp as never, combOp as never, env, 'aggregate');
  }

  /** How many records each key has, as a Map (keys are decoded values, compared by value on the workers). */
  async countByKey<K, V>(this: Dataset<Pair<K, V>>): Promise<Map<K, number>> {
    const counted = this.next<[K, number]>(sh.combineByKeyNode(this.engine.ids, this.mapValues(() => 1).node, 'countByKey', { kind: 'sum' }, this.numPartitions));
    return new Map(await counted.collect());
  }

  async countByValue(): Promise<Map<T, number>> {
    return this.map((x) => [x, 1] as [T, number]).countByKey();
  }

  /** Calls `f` on every record; an async `f` is awaited, at most `opts.concurrency` (default 16) pending per task. */
  foreach<E extends Env = Env>(f: (x: T, env: E) => void | Promise<void>, env?: E, opts?: AsyncOptions): Promise<void> {
    return act.foreach(this.engine, this.node, 'foreach', f, env, opts);
  }

  foreachPartition<E extends Env = Env>(f: (records: IterableIterator<T>, env: E) => void | Promise<void>, env?: E): Promise<void> {
    return act.foreach(this.engine, this.node, 'foreachPartition', f, env);
  }

  /** Writes one text file per partition into `dir` (strings as they are, other records as JSON); atomic. */
  saveAsTextFile(dir: string): Promise<void> {
    return act.save(this.engine, this.node, dir, 'text');
  }

  /** Writes one JSON-lines file per partition into `dir`; atomic. */
  saveAsJsonLines(dir: string): Promise<void> {
    return act.save(this.engine, this.node, dir, 'jsonLines');
  }
}
