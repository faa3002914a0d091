import { rmSync } from 'node:fs';
import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { DataType, Schema } from '../../frame/types.js';
import type { GroupAggregate } from './aggregates/aggregate.js';
import { GroupKeys } from './group-keys.js';
import { MAX_SPILL_HASH_BITS, SpillBuckets, readBucket, spillBits } from './group-spill.js';
import type { FrameOpContext } from './op-context.js';

/** What a GroupTable holds: its key types, how to make its aggregates, and the layout of its state rows. */
export interface GroupTableSpec {
  keyTypes: readonly DataType[];
  /** Fresh aggregates, one per call (a table makes new ones after each spill). */
  createAggs: () => GroupAggregate[];
  /** Number of state columns of each aggregate. */
  widths: readonly number[];
  /** Names of state rows: the keys, then each aggregate's state columns. */
  stateSchema: Schema;
}

/** One finished set of groups: their key columns and aggregates (call finish or states with numGroups). */
export interface GroupResult {
  keys: ColumnVector[];
  aggs: GroupAggregate[];
  numGroups: number;
}

/** Tables expecting fewer groups grow as usual; more than the maximum are sized for the maximum. */
const PRESIZE_MIN_GROUPS = 1 << 16;
const PRESIZE_MAX_GROUPS = 1 << 24;

/** Fewer groups than this are not worth a spill (their state is small; the budget is held elsewhere). */
const MIN_SPILL_GROUPS = 64;

/**
 * Groups and their aggregate states, within the memory budget. After every
 * update the table's estimated size is reserved from `ctx.budget`; when
 * refused, every group's state (keys + state columns) is written to spill
 * files hash-partitioned by key, the reservation released and the table
 * emptied. `results` then merges the spill files bucket by bucket (each in a
 * table one level deeper, which may spill again on the next bits of the hash).
 */
export class GroupTable {
  private keys: GroupKeys;
  private aggs: GroupAggregate[];
  private reserved = 0;
  private buckets: SpillBuckets | null = null;

  constructor(
    private readonly spec: GroupTableSpec,
    private readonly ctx: FrameOpContext,
    /** Bits of the key hash already used to partition this table's input (by ancestors' spills). */
    private readonly hashShift = 0,
    /** Groups expected, at most (a final aggregate's count of state rows): the table is sized for them if the budget allows. */
    expectedGroups?: number,
  ) {
    this.keys = new GroupKeys(spec.keyTypes);
    this.aggs = spec.createAggs();
    if (expectedGroups !== undefined && expectedGroups >= PRESIZE_MIN_GROUPS) {
      const groups = Math.min(expectedGroups, PRESIZE_MAX_GROUPS);
      const bytes = this.keys.reserveBytes(groups);
      if (bytes > 0 && ctx.budget.tryReserve(bytes)) {
        this.keys.reserve(groups);
        this.reserved = bytes;
      }
    }
  }

  /** Groups held in memory now. */
  get numGroups(): number {
    return this.keys.size;
  }

  /** Folds raw rows: key vectors, and each aggregate's argument vectors. */
  update(keys: readonly ColumnVector[], args: readonly (readonly ColumnVector[])[], n: number): void {
    const ids = this.keys.assign(keys, n);
    const groups = this.keys.size;
    for (let a = 0; a < this.aggs.length; a++) this.aggs[a]!.update(ids, args[a]!, n, groups);
    this.checkMemory();
  }

  /** Folds state rows: key columns first, then each aggregate's state columns. */
  merge(batch: ColumnBatch): void {
    const k = this.spec.keyTypes.length;
    const n = batch.numRows;
    const ids = this.keys.assign(batch.columns.slice(0, k), n);
    const groups = this.keys.size;
    let col = k;
    for (let a = 0; a < this.aggs.length; a++) {
      const w = this.spec.widths[a]!;
      this.aggs[a]!.mergeStates(ids, batch.columns.slice(col, col + w), n, groups);
      col += w;
    }
    this.checkMemory();
  }

  /**
   * The finished groups: this table when nothing spilled (with one group for a
   * global aggregate even without input), else one result per spill bucket.
   * Each result's memory is released when the next is asked for. Call once.
   */
  *results(): Generator<GroupResult> {
    try {
      if (!this.buckets) {
        if (this.spec.keyTypes.length === 0) this.keys.ensureOneGroup();
        yield { keys: this.keys.vectors(), aggs: this.aggs, numGroups: this.keys.size };
        return;
      }
      if (this.keys.size > 0) this.spill();
      const bits = this.buckets.bits;
      const paths = this.buckets.close();
      this.buckets = null;
      try {
        while (paths.length > 0) {
          const child = new GroupTable(this.spec, this.ctx, this.hashShift + bits);
          for (const batch of readBucket(paths.shift()!)) child.merge(batch);
          yield* child.results();
        }
      } finally {
        for (const p of paths) rmSync(p, { force: true });
      }
    } finally {
      this.dispose();
    }
  }

  /** Releases the reservation and deletes spill files (also on error paths). */
  dispose(): void {
    this.ctx.budget.release(this.reserved);
    this.reserved = 0;
    this.buckets?.abort();
    this.buckets = null;
    this.keys = new GroupKeys(this.spec.keyTypes);
    this.aggs = [];
  }

  private checkMemory(): void {
    let need = this.keys.bytes();
    for (const a of this.aggs) need += a.bytes();
    if (need <= this.reserved) return;
    if (this.ctx.budget.tryReserve(need - this.reserved)) {
      this.reserved = need;
      return;
    }
    // With the hash bits used up (or a handful of groups) spilling cannot help: go on unreserved.
    if (this.hashShift + spillBits(this.keys.size) > MAX_SPILL_HASH_BITS || this.keys.size < MIN_SPILL_GROUPS) return;
    this.spill();
  }

  private spill(): void {
    const n = this.keys.size;
    const columns = [...this.keys.vectors(), ...this.aggs.flatMap((a) => a.states(n))];
    const schema: Schema = { fields: columns.map((v, i) => ({ name: this.spec.stateSchema.fields[i]!.name, type: v.type, nullable: true })) };
    this.buckets ??= new SpillBuckets(this.ctx.spillDir, this.hashShift, spillBits(n));
    const bytes = this.buckets.write({ schema, columns, numRows: n }, this.keys.hashes());
    this.ctx.metrics.spills++;
    this.ctx.metrics.spilledBytes += bytes;
    this.keys = new GroupKeys(this.spec.keyTypes);
    this.aggs = this.spec.createAggs();
    this.ctx.budget.release(this.reserved);
    this.reserved = 0;
  }
}
