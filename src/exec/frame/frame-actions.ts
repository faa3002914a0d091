import { sliceBatch } from '../../frame/batch/batch.js';
import type { BatchStream, ColumnBatch } from '../../frame/batch/vector.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import type { WireNode } from '../../plan/stages.js';
import type { ActionSpec, TaskResult } from '../task.js';
import { packChunks } from '../exchange/chunk-format.js';
import { ipcFormat } from './ipc-format.js';
import type { TaskContext } from '../task-context.js';
import { frameWriter } from './frame-io.js';
import { sinkFailure } from '../user-function-error.js';

/** The per-partition half of an action over a frame stage; the value (or collected batches) goes back to the driver. */
export function runFrameAction(action: ActionSpec, node: WireNode, input: BatchStream, task: TaskContext): Pick<TaskResult, 'value' | 'records'> {
  const m = task.metrics;
  switch (action.kind) {
    case 'count': {
      let n = 0;
      for (const b of input) n += b.numRows;
      m.recordsRead += n;
      return { value: n };
    }
    case 'frameCollect': {
      let rows = 0;
      const limit = action.limit ?? Infinity;
      const kept = function* (): Generator<ColumnBatch> {
        for (const b of input) {
          if (rows >= limit) break;
          const keep = b.numRows <= limit - rows ? b : sliceBatch(b, 0, limit - rows);
          if (keep.numRows) yield keep;
          rows += keep.numRows;
        }
      };
      const records = packChunks(ipcFormat, kept());
      m.recordsRead += rows;
      return { records };
    }
    case 'frameWrite': {
      const schema = (node.compute as { root: PhysOp }).root.schema;
      try {
        return { value: frameWriter()(action.format, input, schema, action.tempDir, task.partition, task.payload.attempt, action.options) };
      } catch (e) {
        throw sinkFailure(e, `write.${action.format}`, node.site, action.tempDir);
      }
    }
    default:
      throw new Error(`internal: action ${action.kind} is not defined for DataFrame stages`);
  }
}
