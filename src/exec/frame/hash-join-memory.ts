import { concatBatches, emptyBatch, makeBatch } from '../../frame/batch/batch.js';
import { FRAME_BATCH_ROWS, type BatchStream, type ColumnBatch, type ColumnVector } from '../../frame/batch/vector.js';
import type { Schema } from '../../frame/types.js';
import { keyRows, StringInterner } from './hash-join-keys.js';
import { filterPairs, pairBatch, sideRows } from './hash-join-output.js';
import type { JoinSpec } from './hash-join-spec.js';
import { IndexBuffer, JoinHashTable } from './hash-join-table.js';

/** Seed of the in-memory table's hash (grace partitioning uses other seeds). */
const TABLE_SEED = 0x3c6ef372;

/** The build side held in memory: its rows as one batch, a hash table over its keys, and per-row match flags. */
export interface BuiltSide {
  readonly batch: ColumnBatch;
  readonly table: JoinHashTable;
  readonly interner: StringInterner;
  readonly matched: Uint8Array;
}

/** Concatenates the build batches and indexes them by key. */
export function buildSide(batches: readonly ColumnBatch[], schema: Schema, keys: (b: ColumnBatch) => ColumnVector[]): BuiltSide {
  const batch = batches.length === 1 ? batches[0]! : batches.length === 0 ? emptyBatch(schema) : concatBatches(schema, batches);
  const interner = new StringInterner();
  const kr = keyRows(keys(batch), batch.numRows, TABLE_SEED, interner, true);
  return { batch, table: new JoinHashTable(kr), interner, matched: new Uint8Array(batch.numRows) };
}

/**
 * Streams the probe side against a built side and yields the join's output:
 * matched pairs (in batches of at most FRAME_BATCH_ROWS) after the residual
 * filter, each probe batch's unmatched or semi/anti rows after it, and finally
 * the build side's unmatched or semi/anti rows.
 */
export function* probeBuilt(spec: JoinSpec, built: BuiltSide, probe: BatchStream, probeKeys: (b: ColumnBatch) => ColumnVector[]): Generator<ColumnBatch> {
  const { table, matched: buildMatched } = built;
  const probeFlags = spec.keepUnmatchedProbe || spec.filterSide === 'probe';
  const buildFlags = spec.keepUnmatchedBuild || spec.filterSide === 'build';
  const existsOnly = spec.filterSide === 'probe' && spec.filter === null;
  const pIdx = new IndexBuffer();
  const bIdx = new IndexBuffer();

  for (const pb of probe) {
    const n = pb.numRows;
    if (n === 0) continue;
    const kr = keyRows(probeKeys(pb), n, TABLE_SEED, built.interner, false);
    const matched = probeFlags ? new Uint8Array(n) : null;
    const flush = (): ColumnBatch | null => {
      const f = filterPairs(spec, pb, pIdx.take(), built.batch, bIdx.take());
      const len = f.probeIdx.length;
      if (matched) for (let k = 0; k < len; k++) matched[f.probeIdx[k]!] = 1;
      if (buildFlags) for (let k = 0; k < len; k++) buildMatched[f.buildIdx[k]!] = 1;
      if (!spec.emitPairs || len === 0) return null;
      return f.batch ? makeBatch(spec.outSchema, f.batch.columns, len) : pairBatch(spec, spec.outSchema, pb, f.probeIdx, built.batch, f.buildIdx, len);
    };
    if (existsOnly) {
      for (let p = 0; p < n; p++) if (table.hasMatch(kr, p)) matched![p] = 1;
    } else {
      for (let p = 0; p < n; p++) {
        const c = table.matches(kr, p, bIdx);
        for (let k = 0; k < c; k++) pIdx.push(p);
        if (bIdx.length >= FRAME_BATCH_ROWS) {
          const out = flush();
          if (out) yield out;
        }
      }
      const out = flush();
      if (out) yield out;
    }
    if (matched) {
      const rest = sideRows(spec, true, pb, matched);
      if (rest) yield rest;
    }
  }
  if (buildFlags) {
    const rest = sideRows(spec, false, built.batch, buildMatched);
    if (rest) yield rest;
  }
}
