import { isIdentity, makeBatch, nullVector, takeRows, takeVector } from '../../frame/batch/batch.js';
import type { ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { Schema } from '../../frame/types.js';
import type { JoinSpec } from './hash-join-spec.js';

/**
 * Builds join output batches from row indices into the probe and build
 * batches (an index of -1, or a missing batch, gives nulls on that side).
 * Output columns are always left then right, whatever side was built.
 */
export function pairBatch(spec: JoinSpec, schema: Schema, probe: ColumnBatch | null, probeIdx: Int32Array | null, build: ColumnBatch | null, buildIdx: Int32Array | null, n: number): ColumnBatch {
  const probeCols = side(spec.buildIsLeft ? spec.rightSchema : spec.leftSchema, probe, probeIdx, n);
  const buildCols = side(spec.buildIsLeft ? spec.leftSchema : spec.rightSchema, build, buildIdx, n);
  return makeBatch(schema, spec.buildIsLeft ? [...buildCols, ...probeCols] : [...probeCols, ...buildCols], n);
}

function side(schema: Schema, batch: ColumnBatch | null, idx: Int32Array | null, n: number): readonly ColumnVector[] {
  if (batch === null || idx === null) return schema.fields.map((f) => nullVector(f.type, n));
  if (isIdentity(idx, batch.numRows)) return batch.columns; // vectors are immutable: shared, not copied
  return batch.columns.map((c) => takeVector(c, idx));
}

/** The rows of `batch` whose flag is `want` (1 = matched, 0 = unmatched), or null when there are none. */
export function rowsFlagged(batch: ColumnBatch, flags: Uint8Array, want: 0 | 1): ColumnBatch | null {
  const idx = flaggedIndices(flags, batch.numRows, want);
  if (idx.length === 0) return null;
  return idx.length === batch.numRows ? batch : takeRows(batch, idx);
}

/** Indices i < n with flags[i] === want. */
export function flaggedIndices(flags: Uint8Array, n: number, want: 0 | 1): Int32Array {
  let count = 0;
  for (let i = 0; i < n; i++) if (flags[i] === want) count++;
  const out = new Int32Array(count);
  let k = 0;
  for (let i = 0; i < n; i++) if (flags[i] === want) out[k++] = i;
  return out;
}

/** Applies the residual filter to key-matched pairs; returns the pairs that pass (and their pair batch when one was built). */
export function filterPairs(spec: JoinSpec, probe: ColumnBatch, probeIdx: Int32Array, build: ColumnBatch, buildIdx: Int32Array): { probeIdx: Int32Array; buildIdx: Int32Array; batch: ColumnBatch | null } {
  if (spec.filter === null || probeIdx.length === 0) return { probeIdx, buildIdx, batch: null };
  const pairs = pairBatch(spec, spec.pairSchema, probe, probeIdx, build, buildIdx, probeIdx.length);
  const sel = spec.filter(pairs);
  if (sel === null) return { probeIdx, buildIdx, batch: pairs };
  const p = new Int32Array(sel.length);
  const b = new Int32Array(sel.length);
  for (let k = 0; k < sel.length; k++) {
    p[k] = probeIdx[sel[k]!]!;
    b[k] = buildIdx[sel[k]!]!;
  }
  return { probeIdx: p, buildIdx: b, batch: takeRows(pairs, sel) };
}

/**
 * The output for unmatched rows and semi/anti/mark results of one side, given its
 * match flags: rows kept by an outer join (padded with nulls on the other side),
 * the matched (semi) / unmatched (anti) rows as they are, or every row with its
 * flag (mark). Null if none.
 */
export function sideRows(spec: JoinSpec, isProbe: boolean, batch: ColumnBatch, matched: Uint8Array): ColumnBatch | null {
  const filterHere = spec.filterSide === (isProbe ? 'probe' : 'build');
  if (filterHere && spec.mark) {
    const flags: ColumnVector = { type: 'bool', length: batch.numRows, values: matched.slice(0, batch.numRows), validity: null, nullCount: 0 };
    return makeBatch(spec.outSchema, [...batch.columns, flags], batch.numRows);
  }
  if (filterHere) {
    const rows = rowsFlagged(batch, matched, spec.anti ? 0 : 1);
    return rows && makeBatch(spec.outSchema, rows.columns, rows.numRows);
  }
  if (!(isProbe ? spec.keepUnmatchedProbe : spec.keepUnmatchedBuild)) return null;
  const idx = flaggedIndices(matched, batch.numRows, 0);
  if (idx.length === 0) return null;
  return isProbe ? pairBatch(spec, spec.outSchema, batch, idx, null, null, idx.length) : pairBatch(spec, spec.outSchema, null, null, batch, idx, idx.length);
}
