import { clusterMaster } from '../backend/cluster/cluster-scheme.js';
import type { ClusterSchemeOptions } from '../backend/registry.js';
import '../io/register.js';
import { planTextSplits } from '../io/text-splits.js';
import { encodeBatch } from '../serde/record-codec.js';
import type { Listener } from '../scheduler/bus.js';
import { Accumulator, AccumulatorRegistry } from '../driver/accumulator.js';
import { Broadcast, BroadcastRegistry } from '../driver/broadcast.js';
import { blockRegion } from '../exec/block-ref.js';
import type { SliceRef } from '../plan/node.js';
import { Dataset } from './dataset.js';
import { Driver } from '../driver/driver.js';
import { Engine } from '../driver/engine.js';
import { createBackend } from '../driver/master.js';
import { schedulerConfig } from '../driver/scheduler-options.js';
import type { SpeculationConfig } from '../scheduler/events.js';
import { IdSource, sourceNode } from './plan-builders.js';
import { DataFrame } from './dataframe.js';
import { FrameContext } from './frame/frame-context.js';
import { DataFrameReader } from './frame/reader.js';
import { batchOf, memorySource, toSchema as toFrameSchema, type FrameData } from './frame/create.js';
import { registerUdf, sqlPlan } from './frame/sql-catalog.js';
import type { Udf } from '../frame/expr/functions.js';
import { SqlFilePolicy, type SqlFileAccess } from './frame/sql-file-access.js';
import { concatBatches } from '../frame/batch/batch.js';
import { fromArrowTable } from '../frame/batch/arrow.js';
import type { DataType } from '../frame/types.js';
import { SluiceError } from '../util/errors.js';
import { checkPartitionCount } from '../util/partition-count.js';
import type { Table as ArrowTable } from 'apache-arrow';
import { sqlParserReady } from '../sql/parse.js';

export interface SessionOptions {
  /** `inline` (one thread, deterministic), `local[N]` worker threads, `local[*]` or `local` (all cores), `processes[N]` worker processes, `cluster://host:port` a driver that workers join (see `cluster`), `slurm` inside an allocation. Default: `$SLUICE_MASTER` or `local[*]`. */
  master?: string;
  /** Memory budget per worker, e.g. `512m`; past it, shuffle blocks, cached partitions and operator state spill to disk. Default: `$SLUICE_MEMORY` or a share of RAM. */
  memory?: string | number;
  /** Attempts per task before the job fails. Default: `$SLUICE_MAX_TASK_FAILURES` or 4. */
  maxTaskFailures?: number;
  /** Extra modules every worker imports at start (file URLs or package names). */
  preload?: string[];
  /**
   * Files SQL may read when a query names them in FROM: `true` (default) any file, `false` none,
   * `{ allow: ['data/'] }` only files inside these directories (after resolving `..` and symlinks,
   * for every file a glob expands to). Set it when SQL text comes from someone else. See {@link SqlFileAccess}.
   */
  sqlFileAccess?: SqlFileAccess;
  /** For `master: 'cluster://host:port'`: the secret workers prove they hold, how many to wait for, TLS. */
  cluster?: ClusterSchemeOptions;
  /**
   * Delay scheduling (Spark's spark.locality.wait), in milliseconds: a task whose preferred
   * worker (the one holding its cached partition) or host (the one holding its input file) is
   * busy waits this long per level before it runs elsewhere. Default 3000; 0 never waits.
   */
  localityWait?: number;
  /**
   * Speculative execution (off by default): once `quantile` (0.75) of a stage's tasks are done,
   * a task running longer than `multiplier` (1.5) × their median time, and at least `minMs`
   * (100), gets a copy on another worker; the first copy to finish wins and the other is killed.
   * Task functions must then be safe to run twice (as with retries).
   *
   * ```ts
   * const s = await Session.local({ master: 'local[4]', speculation: { multiplier: 2 } });
   * ```
   */
  speculation?: boolean | Partial<SpeculationConfig>;
  /**
   * Where `checkpoint()` writes (a directory every worker can read at the same path: a shared
   * filesystem for clusters). Each session writes into its own subdirectory, left in place
   * when the session stops, as Spark leaves its checkpoints. Default: the session's temporary
   * directory, removed at stop().
   */
  checkpointDir?: string;
}

/** A driver that workers on other machines join (see {@link Session.cluster}). */
export interface ClusterSessionOptions extends Omit<SessionOptions, 'master' | 'memory' | 'cluster'>, ClusterSchemeOptions {
  /** `host:port` to listen on for workers; loopback unless an address is given (`0.0.0.0:7077` for every interface). */
  listen: string;
  /** The shared secret every worker proves it holds (HMAC challenge–response) before anything else is read. */
  secret: string;
}

/**
 * The entry point: owns the workers and the driver, and creates Datasets.
 *
 * ```ts
 * import { Session } from 'sluice';
 * const s = await Session.local({ master: 'local[2]', memory: '512m' });
 * console.log(await s.range(0, 1000).map((x) => x * x).reduce((a, b) => a + b));
 * await s.stop();
 * ```
 */
export class Session {
  private readonly engine: Engine;
  private readonly broadcasts: BroadcastRegistry;
  private readonly accumulators: AccumulatorRegistry;
  private frameContext?: FrameContext;
  private readonly sqlFiles: SqlFilePolicy;

  private constructor(engine: Engine, broadcasts: BroadcastRegistry, accumulators: AccumulatorRegistry, sqlFiles: SqlFilePolicy) {
    this.engine = engine;
    this.sqlFiles = sqlFiles;
    this.broadcasts = broadcasts;
    this.accumulators = accumulators;
  }

  /** Starts a session on this machine (worker threads, or inline). */
  static async local(opts: SessionOptions = {}): Promise<Session> {
    const sqlFiles = new SqlFilePolicy(opts.sqlFileAccess);
    const preload = [new URL('../io/register.js', import.meta.url).href, ...(opts.preload ?? [])];
    const { backend, parallelism } = createBackend(opts.master ?? (process.env.SLUICE_MASTER || 'local[*]'), {
      memory: opts.memory ?? (process.env.SLUICE_MEMORY || undefined),
      preload,
      cluster: opts.cluster,
    });
    const accumulators = new AccumulatorRegistry();
    const driver = new Driver(backend, accumulators, schedulerConfig(opts), { checkpointDir: opts.checkpointDir });
    const broadcasts = driver.broadcasts;
    await Promise.all([driver.start(), sqlParserReady()]);
    const workers = typeof parallelism === 'function' ? parallelism() : parallelism;
    return new Session(new Engine(new IdSource(), driver, workers), broadcasts, accumulators, sqlFiles);
  }

  /**
   * Starts a driver that workers join (`sluice worker --driver host:port --secret-file …`, or
   * `runWorker` from `sluice/backend/cluster/worker-process`), and waits for `minWorkers` of them.
   * The job's code and its node_modules must be at the same path on every host. The same as
   * `Session.local({ master: 'cluster://host:port', cluster: { secret, minWorkers } })`.
   *
   * ```ts
   * const s = await Session.cluster({ listen: '0.0.0.0:7077', secret: process.env.SLUICE_SECRET!, minWorkers: 8 });
   * ```
   */
  static cluster(opts: ClusterSessionOptions): Promise<Session> {
    return Session.local({ ...opts, master: clusterMaster(opts.listen), cluster: opts });
  }

  /** `local[N]`, `processes[N]`, `cluster` or `inline`. */
  get master(): string {
    return this.engine.driver.backend.name;
  }

  /** Default number of partitions for sources: the number of workers. */
  get defaultParallelism(): number {
    return this.engine.defaultParallelism;
  }

  /** Splits an array into partitions (each encoded once into a block the driver holds; threads read it without copying). */
  parallelize<T>(data: readonly T[], numPartitions = this.defaultParallelism): Dataset<T> {
    checkPartitionCount(numPartitions, 'parallelize');
    if (!Array.isArray(data)) throw new TypeError(`parallelize: data must be an array, got ${data === null ? 'null' : typeof data}`);
    const slices: Array<SliceRef | null> = [];
    for (let p = 0; p < numPartitions; p++) {
      const part = data.slice(Math.floor((p * data.length) / numPartitions), Math.floor(((p + 1) * data.length) / numPartitions));
      slices.push(part.length === 0 ? null : (blockRegion(this.engine.driver.storeSlice(encodeBatch(part)), 0) ?? null));
    }
    return this.dataset(sourceNode(this.engine.ids, 'parallelize', numPartitions, { kind: 'parallelize', slices }));
  }

  /** Numbers from start (inclusive) to end (exclusive) by step; `range(n)` is 0..n-1. */
  range(start: number, end?: number, step = 1, numPartitions = this.defaultParallelism): Dataset<number> {
    if (end === undefined) [start, end] = [0, start];
    if (step === 0) throw new RangeError('range step must not be 0');
    checkPartitionCount(numPartitions, 'range');
    return this.dataset(sourceNode(this.engine.ids, 'range', numPartitions, { kind: 'range', start, end, step }));
  }

  /**
   * Lines of text files: a path, a directory, a glob or a list of them. Big files
   * are split into byte ranges aligned to lines; `.gz` files are read whole, decompressed.
   */
  textFile(path: string | string[], opts: { minPartitions?: number } = {}): Dataset<string> {
    const splits = planTextSplits(path, { minPartitions: this.partitionsOption(opts.minPartitions, 'textFile', 'minPartitions'), roundTo: this.defaultParallelism });
    return this.dataset(sourceNode(this.engine.ids, 'textFile', splits.length, { kind: 'textFile', splits }));
  }

  /**
   * One JSON value per line. A malformed line fails the job with its file and
   * line number, or with `mode: 'permissive'` is dropped and counted in `dropped`.
   */
  jsonLines<T = unknown>(path: string | string[], opts: { minPartitions?: number; mode?: 'failfast' | 'permissive'; dropped?: Accumulator<number> } = {}): Dataset<T> {
    const splits = planTextSplits(path, { minPartitions: this.partitionsOption(opts.minPartitions, 'jsonLines', 'minPartitions'), roundTo: this.defaultParallelism });
    const mode = opts.mode ?? 'failfast';
    const compute = { kind: 'jsonLines' as const, splits, mode, droppedAccumulator: opts.dropped?.id };
    return this.dataset(sourceNode(this.engine.ids, 'jsonLines', splits.length, compute));
  }

  /** Concatenates datasets. */
  union<T>(first: Dataset<T>, ...rest: Dataset<T>[]): Dataset<T> {
    return first.union(...rest);
  }

  broadcast<T>(value: T): Broadcast<T> {
    return this.broadcasts.create(value, this.engine.driver.spillDir);
  }

  /** A numeric accumulator: tasks `env.acc.add(n)`, the driver reads `acc.value`. */
  accumulator(initial = 0): Accumulator<number> {
    return this.accumulators.create(initial, 'sum');
  }

  /** An accumulator that collects the values tasks add. */
  collectionAccumulator<T>(): Accumulator<T[]> {
    return this.accumulators.create<T[]>([], 'collection');
  }

  /** Readers of files into DataFrames: `s.read.csv('people/*.csv')`, `.parquet()`, `.jsonLines()`, `.arrow()`. */
  get read(): DataFrameReader {
    return new DataFrameReader(this.frames);
  }

  /**
   * A DataFrame from rows (objects) or columns (`{ id: [1, 2], name: ['a', 'b'] }`), a
   * Dataset of objects (give `schema`), or an Apache Arrow table. Types are inferred
   * unless `schema` names them (`{ id: 'int64', when: 'date' }`).
   */
  createDataFrame(data: FrameData | Dataset<object>, opts: { schema?: Record<string, DataType>; numPartitions?: number; name?: string } = {}): DataFrame {
    const fc = this.frames;
    if (data instanceof Dataset) {
      const schema = toFrameSchema(opts.schema);
      if (!schema) throw new SluiceError('createDataFrame(dataset) needs a schema: { schema: { name: "string", age: "int32" } }');
      return new DataFrame(fc, { kind: 'scan', source: { kind: 'dataset', node: data.node, name: opts.name ?? 'dataset' }, schema, filters: [] });
    }
    const numPartitions = this.partitionsOption(opts.numPartitions, 'createDataFrame', 'numPartitions');
    return new DataFrame(fc, memorySource(batchOf(data, toFrameSchema(opts.schema)), numPartitions, opts.name ?? 'df'));
  }

  /** A DataFrame over an Apache Arrow table (apache-arrow's Table), without copying fixed-width columns. */
  fromArrow(table: ArrowTable, opts: { numPartitions?: number; name?: string } = {}): DataFrame {
    const { schema, batches } = fromArrowTable(table);
    const numPartitions = this.partitionsOption(opts.numPartitions, 'fromArrow', 'numPartitions');
    return new DataFrame(this.frames, memorySource(concatBatches(schema, batches), numPartitions, opts.name ?? 'arrow'));
  }

  /**
   * UDFs for SQL: `s.udf.register('title', udf(async (url) => fetchTitle(url), 'string'))`, then
   * `s.sql('SELECT title(url) FROM pages')`. Names are case-insensitive; async UDFs are awaited.
   */
  readonly udf = { register: (name: string, f: Udf): Udf => registerUdf(this.frames, name, f) };

  /** Runs a SQL query over temp views (`df.createOrReplaceTempView('t')`) and files (`FROM 'data/*.parquet'`). */
  sql(text: string): DataFrame {
    return new DataFrame(this.frames, sqlPlan(text, this.frames, this.sqlFiles));
  }

  /** A temp view as a DataFrame. */
  table(name: string): DataFrame {
    return this.sql(`SELECT * FROM ${name}`);
  }

  /** Partitions of DataFrame shuffles (default: 4 per worker). */
  setShufflePartitions(n: number): void {
    this.frames.shufflePartitions = checkPartitionCount(n, 'setShufflePartitions', 'n');
  }

  /** A partition-count option, checked when given (default: the default parallelism). */
  private partitionsOption(n: number | undefined, call: string, option: string): number {
    return n === undefined ? this.defaultParallelism : checkPartitionCount(n, call, option);
  }

  /**
   * Turns the DataFrame/SQL optimizer's rewrites on (the default) or off. Off, a query keeps the plan
   * as written, with only the rewrites execution needs (subqueries into joins): slower, and meant for
   * checking that the optimizer preserves answers.
   *
   * ```ts
   * s.setOptimizerEnabled(false);
   * const plain = await s.sql('SELECT a FROM t WHERE a > 1').collect(); // same rows as with it on
   * ```
   */
  setOptimizerEnabled(on: boolean): void {
    this.frames.optimizerEnabled = on;
  }

  private get frames(): FrameContext {
    return (this.frameContext ??= new FrameContext(this.engine, this.accumulators));
  }

  /** Listens to job, stage and task events; returns a function that removes the listener. */
  on(listener: Listener): () => void {
    return this.engine.driver.bus.on(listener);
  }

  /** Cancels every running job; their promises reject with JobCancelledError. */
  cancelAll(reason?: string): void {
    this.engine.driver.cancelAll(reason);
  }

  /** Stops the workers and deletes spill files. */
  stop(): Promise<void> {
    return this.engine.driver.stop();
  }

  private dataset<T>(node: import('../plan/node.js').PlanNode): Dataset<T> {
    return new Dataset<T>(this.engine, node);
  }
}
