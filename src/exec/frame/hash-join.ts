import { HeldBytes } from '../../frame/batch/size.js';
import type { BatchStream, ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import type { Schema } from '../../frame/types.js';
import { SluiceError } from '../../util/errors.js';
import { GrowingReservation } from '../memory-budget.js';
import { deleteRuns, fanoutFor, GRACE_FANOUT, partitionToSpill } from './hash-join-grace.js';
import { keyRowsBytes } from './hash-join-keys.js';
import { buildSide, probeBuilt } from './hash-join-memory.js';
import { joinSpec, keyEvaluator, type JoinSpec } from './hash-join-spec.js';
import { JoinHashTable } from './hash-join-table.js';
import { readSpilledRun } from './ipc-spill.js';
import type { FrameOpContext } from './op-context.js';

/** Grace partitioning levels at most; past them a bucket is joined in memory whatever the budget says. */
export const MAX_GRACE_LEVELS = 4;

/** The parts of a join that do not change from one grace level to the next. */
interface Join {
  readonly spec: JoinSpec;
  readonly buildSchema: Schema;
  readonly buildKeys: (b: ColumnBatch) => ColumnVector[];
  readonly probeKeys: (b: ColumnBatch) => ColumnVector[];
  readonly numKeys: number;
  readonly ctx: FrameOpContext;
}

/**
 * Equi-join of `left` and `right` (see the `hashJoin` PhysOp): the build side
 * is held in a hash table when the budget grants it; otherwise both sides are
 * partitioned by key hash into spill files and joined bucket by bucket (grace
 * hash join), re-partitioning with a new seed any bucket that still does not
 * fit. SQL semantics: null keys never match; the residual filter decides which
 * key-matched pairs count as matches for outer, semi and anti joins.
 * Inputs are opened lazily, build side first; each is iterated once.
 */
export function hashJoin(op: Extract<PhysOp, { op: 'hashJoin' }>, left: () => BatchStream, right: () => BatchStream, ctx: FrameOpContext): BatchStream {
  if (op.leftKeys.length !== op.rightKeys.length) {
    throw new SluiceError(`hash join: ${op.leftKeys.length} left key(s) but ${op.rightKeys.length} right key(s)`);
  }
  const spec = joinSpec(op.type, op.build, op.left.schema, op.right.schema, op.schema, op.filter, ctx);
  const leftKeys = keyEvaluator(op.leftKeys, op.left.schema, ctx);
  const rightKeys = keyEvaluator(op.rightKeys, op.right.schema, ctx);
  const buildIsLeft = spec.buildIsLeft;
  const join: Join = {
    spec,
    buildSchema: buildIsLeft ? op.left.schema : op.right.schema,
    buildKeys: buildIsLeft ? leftKeys : rightKeys,
    probeKeys: buildIsLeft ? rightKeys : leftKeys,
    numKeys: op.leftKeys.length,
    ctx,
  };
  return {
    [Symbol.iterator]: () => joinLevel(join, buildIsLeft ? left() : right(), buildIsLeft ? right : left, 0, false),
  };
}

/**
 * One level of the join: collect the build side under a reservation; if it
 * fits, probe in memory; otherwise partition both sides and recurse per bucket.
 * `force`: join in memory without asking (the last level, or a bucket that
 * partitioning did not shrink, e.g. one hot key).
 */
function* joinLevel(j: Join, build: BatchStream, probe: () => BatchStream, level: number, force: boolean, fanout = GRACE_FANOUT): Generator<ColumnBatch> {
  const { ctx, spec } = j;
  const res = new GrowingReservation(ctx.budget);
  const it = build[Symbol.iterator]();
  const held: ColumnBatch[] = [];
  const bytes = new HeldBytes();
  let rows = 0;
  try {
    let fits = true;
    for (let r = it.next(); !r.done; r = it.next()) {
      const b = r.value;
      if (b.numRows === 0) continue;
      held.push(b);
      rows += b.numRows;
      bytes.add(b);
      if (!res.ensure(bytes.total) && !force) {
        fits = false;
        break;
      }
    }
    // The table, the key rows and (with several batches) the concatenated copy.
    const tableBytes = keyRowsBytes(rows, j.numKeys) + JoinHashTable.bytes(rows) + (held.length > 1 ? bytes.total : 0);
    if (fits && (res.ensure(bytes.total + tableBytes) || force)) {
      const built = buildSide(held, j.buildSchema, j.buildKeys);
      held.length = 0;
      yield* probeBuilt(spec, built, probe(), j.probeKeys);
      return;
    }
    yield* grace(j, held, it, rows, probe, level, fanout, () => res.releaseAll());
  } finally {
    res.releaseAll();
    it.return?.();
  }
}

/** Partitions both sides (the held build batches first) into spill buckets and joins each bucket pair. */
function* grace(j: Join, held: ColumnBatch[], rest: Iterator<ColumnBatch>, heldRows: number, probe: () => BatchStream, level: number, fanout: number, release: () => void): Generator<ColumnBatch> {
  const { ctx, spec } = j;
  let buildRows = heldRows;
  function* buildStream(): Generator<ColumnBatch> {
    yield* held.splice(0);
    release();
    for (let r = rest.next(); !r.done; r = rest.next()) {
      buildRows += r.value.numRows;
      yield r.value;
    }
  }
  const buildRuns = partitionToSpill(buildStream(), j.buildKeys, level, fanout, ctx, 'join-build');
  let probeRuns: ReturnType<typeof partitionToSpill> = [];
  try {
    probeRuns = partitionToSpill(probe(), j.probeKeys, level, fanout, ctx, 'join-probe');
    const probeKeeps = spec.keepUnmatchedProbe || (spec.filterSide === 'probe' && (spec.anti || spec.mark));
    const buildKeeps = spec.keepUnmatchedBuild || (spec.filterSide === 'build' && (spec.anti || spec.mark));
    for (let i = 0; i < buildRuns.length; i++) {
      const b = buildRuns[i]!;
      const p = probeRuns[i]!;
      if ((b.rows === 0 && !probeKeeps) || (p.rows === 0 && !buildKeeps)) continue;
      const stuck = b.rows === buildRows || level + 1 >= MAX_GRACE_LEVELS;
      yield* joinLevel(j, readSpilledRun(b), () => readSpilledRun(p), level + 1, stuck, fanoutFor(b.bytes, ctx));
    }
  } finally {
    deleteRuns(buildRuns);
    deleteRuns(probeRuns);
  }
}
