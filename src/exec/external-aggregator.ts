import { rmSync } from 'node:fs';
import { compareKeys, estimateSize, hashKey, keyId } from '../serde/keys.js';
import { SluiceError } from '../util/errors.js';
import { GrowingReservation, type MemoryBudget } from './memory-budget.js';
import {
  MIN_SPILL_BYTES,
  MIN_SPILL_RECORDS,
  defaultCodec,
  mergeSortedBatches,
  reduceFanIn,
  sliceBatches,
  type BatchCodec,
  type SpillMetrics,
} from './external-sorter.js';
import { codecFormat, type ChunkFormat } from './exchange/chunk-format.js';
import { readRun, writeRun } from './exchange/spill-runs.js';

/** Key operations (defaults: serde/keys); injectable for tests. */
export interface KeyOps {
  keyId: (k: unknown) => unknown;
  hashKey: (k: unknown) => number;
  compareKeys: (a: unknown, b: unknown) => number;
}

/** Options of {@link ExternalAggregator}. */
export interface ExternalAggregatorOptions<V, C> {
  createCombiner: (v: V) => C;
  mergeValue: (c: C, v: V) => C;
  mergeCombiners: (a: C, b: C) => C;
  budget: MemoryBudget;
  spillDir: string;
  codec?: BatchCodec;
  metrics?: SpillMetrics;
  /** Heap bytes of a key or combiner (default: serde's estimateSize, which samples large arrays). */
  estimate?: (x: unknown) => number;
  keys?: KeyOps;
}

/** A spilled entry: the hash is stored so merges need not recompute it. */
type Row = [hash: number, key: unknown, combiner: unknown];

const SAMPLE_EVERY = 64;
/** Map entry + [K, C] tuple overhead on the V8 heap, roughly. */
const ENTRY_OVERHEAD = 64;
/** Weight of a new sample in the moving average: combiners grow (groupByKey), so recent samples matter most. */
const EMA = 0.25;

/**
 * Hash aggregation with spilling (reduceByKey, groupByKey, cogroup, map-side
 * combine). Entries live in a `Map` keyed by `keyId` (by-value equality). Its
 * size is extrapolated from the touched entry sampled every 64th update (a
 * moving average, times the entry count); when the budget refuses, the entries
 * are written sorted by (hashKey, compareKeys) as a run and the map cleared.
 * `entries` merges runs and memory in that order, combining equal keys, so each
 * key comes out once. Memory held by the merge itself is not reserved.
 */
export class ExternalAggregator<K, V, C> {
  private map = new Map<unknown, [K, C]>();
  private readonly runs: string[] = [];
  private readonly res: GrowingReservation;
  private readonly format: ChunkFormat<unknown[]>;
  private readonly keys: KeyOps;
  private readonly estimate: (x: unknown) => number;
  private ops = 0;
  private avg = 0;
  private done = false;
  /** Bytes written by spills of the map (merge passes not counted). */
  spilledBytes = 0;
  /** Number of runs spilled from memory. */
  spills = 0;

  constructor(private readonly opts: ExternalAggregatorOptions<V, C>) {
    this.res = new GrowingReservation(opts.budget);
    this.format = codecFormat(opts.codec ?? defaultCodec);
    this.keys = opts.keys ?? { keyId, hashKey, compareKeys };
    this.estimate = opts.estimate ?? ((x: unknown) => estimateSize(x));
  }

  /** True once anything was written to disk. */
  get spilled(): boolean {
    return this.spills > 0;
  }

  /** Adds one value for `key` (createCombiner or mergeValue). */
  insertValue(key: K, value: V): void {
    this.checkOpen();
    const id = this.keys.keyId(key);
    let e = this.map.get(id);
    if (e) e[1] = this.opts.mergeValue(e[1], value);
    else this.map.set(id, (e = [key, this.opts.createCombiner(value)]));
    this.track(e);
  }

  /** Adds a partial combiner for `key` (mergeCombiners), e.g. from a map-side combine. */
  insertCombiner(key: K, c: C): void {
    this.checkOpen();
    const id = this.keys.keyId(key);
    let e = this.map.get(id);
    if (e) e[1] = this.opts.mergeCombiners(e[1], c);
    else this.map.set(id, (e = [key, c]));
    this.track(e);
  }

  /**
   * Yields every distinct key once with its fully merged combiner, in batches of
   * `batchSize` `[key, combiner]` pairs. Without a spill the order is the map's;
   * otherwise (hash, key) order. Run files are deleted and the reservation
   * released when the generator finishes, throws or is returned early. Call once.
   */
  *entries(batchSize = 4096): Generator<[K, C][]> {
    this.checkOpen();
    this.done = true;
    try {
      if (this.runs.length === 0) {
        let out: [K, C][] = [];
        for (const e of this.map.values()) {
          out.push(e);
          if (out.length >= batchSize) {
            yield out;
            out = [];
          }
        }
        if (out.length) yield out;
        return;
      }
      const merge = (srcs: Iterator<Row[]>[]) => this.combineSorted(mergeSortedBatches(srcs, this.compareRows, 4096), 4096);
      // this.runs always lists exactly the live run files (reduceFanIn keeps it so), hence dispose() cleans up.
      reduceFanIn<Row>(this.runs, this.opts.spillDir, this.format, merge);
      const sources: Iterator<Row[]>[] = this.runs.map((p) => readRun(this.format, p) as Generator<Row[]>);
      const mem = this.sortedRows();
      this.map = new Map(); // the rows now hold the entries
      sources.push(sliceBatches(mem, this.avg));
      for (const batch of this.combineSorted(mergeSortedBatches(sources, this.compareRows, batchSize), batchSize)) {
        yield batch.map((r) => [r[1], r[2]] as [K, C]);
      }
    } finally {
      this.dispose();
    }
  }

  /** Deletes run files and releases memory without producing output (e.g. the task failed). */
  dispose(): void {
    this.done = true;
    for (const p of this.runs) rmSync(p, { force: true });
    this.runs.length = 0;
    this.map = new Map();
    this.res.releaseAll();
  }

  private readonly compareRows = (a: Row, b: Row): number =>
    a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : this.keys.compareKeys(a[1], b[1]);

  /** Merges adjacent rows with equal keys in a (hash, key)-sorted stream. */
  private *combineSorted(rows: Iterable<Row[]>, batchSize: number): Generator<Row[]> {
    let cur: Row | undefined;
    let out: Row[] = [];
    for (const batch of rows) {
      for (const r of batch) {
        if (cur && cur[0] === r[0] && this.keys.compareKeys(cur[1], r[1]) === 0) {
          cur[2] = this.opts.mergeCombiners(cur[2] as C, r[2] as C);
          continue;
        }
        if (cur) out.push(cur);
        cur = r;
        if (out.length >= batchSize) {
          yield out;
          out = [];
        }
      }
    }
    if (cur) out.push(cur);
    if (out.length) yield out;
  }

  private sortedRows(): Row[] {
    const rows: Row[] = [];
    for (const [k, c] of this.map.values()) rows.push([this.keys.hashKey(k), k, c]);
    return rows.sort(this.compareRows);
  }

  /** Samples the touched entry now and then, and spills when the budget refuses the extrapolated size. */
  private track(e: [K, C]): void {
    if (this.ops++ % SAMPLE_EVERY === 0) {
      const s = this.estimate(e[0]) + this.estimate(e[1]) + ENTRY_OVERHEAD;
      this.avg = this.ops === 1 ? s : this.avg + EMA * (s - this.avg);
    }
    const need = this.map.size * this.avg;
    if (!this.res.ensure(need) && (this.map.size >= MIN_SPILL_RECORDS || need >= MIN_SPILL_BYTES)) this.spill();
  }

  private spill(): void {
    const rows = this.sortedRows();
    this.map = new Map();
    const { bytes, path } = writeRun(this.format, this.opts.spillDir, 'agg-run', sliceBatches(rows, this.avg));
    this.runs.push(path);
    this.res.releaseAll();
    this.ops = 0; // sample the next entry at once: combiners restart small after a spill
    this.spills++;
    this.spilledBytes += bytes;
    if (this.opts.metrics) {
      this.opts.metrics.spills++;
      this.opts.metrics.spilledBytes += bytes;
    }
  }

  private checkOpen(): void {
    if (this.done) throw new SluiceError('ExternalAggregator: already consumed by entries() or disposed');
  }
}
