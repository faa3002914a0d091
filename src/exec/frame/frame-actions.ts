import { sliceBatch } from '../../frame/batch/batch.js';
import { encodeIpc } from '../../frame/batch/ipc.js';
import type { BatchStream } from '../../frame/batch/vector.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import type { WireNode } from '../../plan/stages.js';
import type { ActionSpec } from '../task.js';
import type { TaskContext } from '../task-context.js';
import { frameWriter } from './frame-io.js';
import { sinkFailure } from '../user-function-error.js';

/** The per-partition half of an action over a frame stage; the value goes back to the driver. */
export function runFrameAction(action: ActionSpec, node: WireNode, input: BatchStream, task: TaskContext): unknown {
  const m = task.metrics;
  switch (action.kind) {
    case 'count': {
      let n = 0;
      for (const b of input) n += b.numRows;
      m.recordsRead += n;
      return n;
    }
    case 'frameCollect': {
      const chunks: Uint8Array[] = [];
      let rows = 0;
      const limit = action.limit ?? Infinity;
      for (const b of input) {
        if (rows >= limit) break;
        const keep = b.numRows <= limit - rows ? b : sliceBatch(b, 0, limit - rows);
        if (keep.numRows) chunks.push(encodeIpc(keep));
        rows += keep.numRows;
      }
      m.recordsRead += rows;
      return chunks;
    }
    case 'frameWrite': {
      const schema = (node.compute as { root: PhysOp }).root.schema;
      try {
        return frameWriter()(action.format, input, schema, action.tempDir, task.partition, task.payload.attempt, action.options);
      } catch (e) {
        throw sinkFailure(e, `write.${action.format}`, node.site, action.tempDir);
      }
    }
    default:
      throw new Error(`internal: action ${action.kind} is not defined for DataFrame stages`);
  }
}
