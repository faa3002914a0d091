import { decodeIpc } from '../../frame/batch/ipc.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import type { ChunkFormat } from '../exchange/chunk-format.js';
import { SharedDictGroup } from './shared-dict-group.js';

/** Rows per IPC stream: batches sharing dictionaries (one partition's scan) write them once. */
const GROUP_ROWS = 1 << 22;

/** DataFrame batches as Arrow IPC streams, consecutive batches sharing dictionaries in one stream. */
export const ipcFormat: ChunkFormat<ColumnBatch> = {
  encoder: (out) => {
    const group = new SharedDictGroup(GROUP_ROWS, (ipc, batches) => out(ipc, batches.reduce((n, b) => n + b.numRows, 0)));
    return { add: (b) => group.add(b), flush: () => group.flush() };
  },
  decode: decodeIpc,
};
