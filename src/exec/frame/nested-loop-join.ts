import { HeldBytes } from '../../frame/batch/size.js';
import type { BatchStream, ColumnBatch, ColumnVector } from '../../frame/batch/vector.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import { buildSide, probeBuilt } from './hash-join-memory.js';
import { joinSpec } from './hash-join-spec.js';
import type { FrameOpContext } from './op-context.js';

const NO_KEYS = (): ColumnVector[] => [];

/**
 * Joins every left row with every right row that passes `op.filter` (no filter:
 * a cross join). The right side is materialized; the left side streams. All
 * join types are supported (inner, cross, left, right, full, semi, anti).
 *
 * It runs as a hash join with zero keys: every row then hashes alike, so each
 * left row meets the whole right side, in right-side order. The right side is
 * broadcast by the planner and must fit in memory: its bytes are reserved when
 * the budget allows, and held anyway when not (there is no spill path).
 */
export function nestedLoopJoin(op: Extract<PhysOp, { op: 'nestedLoopJoin' }>, left: () => BatchStream, right: () => BatchStream, ctx: FrameOpContext): BatchStream {
  const spec = joinSpec(op.type, 'right', op.left.schema, op.right.schema, op.schema, op.filter, ctx);
  return {
    *[Symbol.iterator]() {
      const held: ColumnBatch[] = [];
      const tally = new HeldBytes();
      let reserved = 0;
      try {
        for (const b of right()) {
          if (b.numRows === 0) continue;
          held.push(b);
          const bytes = tally.add(b);
          if (ctx.budget.tryReserve(bytes)) reserved += bytes;
        }
        const built = buildSide(held.splice(0), op.right.schema, NO_KEYS);
        yield* probeBuilt(spec, built, left(), NO_KEYS);
      } finally {
        ctx.budget.release(reserved);
      }
    },
  };
}
