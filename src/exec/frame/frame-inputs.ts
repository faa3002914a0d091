import type { PhysOp } from '../../frame/physical/ops.js';
import { physChildren } from '../../frame/physical/ops.js';

/** The shuffle partition an exchange reads in task `p`: a broadcast has one, which every task reads. */
export function exchangePartition(op: Extract<PhysOp, { op: 'exchange' }>, p: number): number {
  return op.broadcast ? 0 : p;
}

/** Partition p of a union is partition `rest` of input `index` (the input whose range holds p). */
export function unionInput(op: Extract<PhysOp, { op: 'union' }>, p: number): { index: number; rest: number } {
  let rest = p;
  for (let i = 0; i < op.inputs.length; i++) {
    if (rest < op.partitions[i]!) return { index: i, rest };
    rest -= op.partitions[i]!;
  }
  throw new RangeError(`partition ${p} out of range for a union of ${op.partitions.join(' + ')} partitions`);
}

/** What one leaf of a frame stage reads in a task: partition `partition` of the stage node's dependency `dep`. */
export interface FrameInput {
  kind: 'shuffle' | 'narrow';
  dep: number;
  partition: number;
}

/**
 * The dependency partitions task `p` of a frame stage reads, found by walking its
 * operator tree as executeFrame runs it (same partition for every operator but
 * exchanges and unions). The driver gives the task only these.
 */
export function frameInputs(op: PhysOp, p: number, out: FrameInput[] = []): FrameInput[] {
  switch (op.op) {
    case 'scan':
      return out;
    case 'exchange':
      out.push({ kind: 'shuffle', dep: op.dep, partition: exchangePartition(op, p) });
      return out;
    case 'records':
    case 'cached':
      out.push({ kind: 'narrow', dep: op.dep, partition: p });
      return out;
    case 'union': {
      const { index, rest } = unionInput(op, p);
      return frameInputs(op.inputs[index]!, rest, out);
    }
    default:
      for (const c of physChildren(op)) frameInputs(c, p, out);
      return out;
  }
}
