import { compactSharedDicts } from '../../frame/batch/compact-dict.js';
import { encodeIpcPieces } from '../../frame/batch/ipc.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import { dictHandle } from '../../frame/batch/utf8-dict.js';

/**
 * Gathers consecutive batches whose string columns share dictionaries and
 * writes them as one Arrow IPC stream (in pieces sharing the batches' buffers,
 * see encodeIpcPieces): each dictionary once, cut to the entries
 * the group uses, and shared again by the batches decodeIpc gives back (so
 * per-dictionary work downstream, such as group-key translation, happens once).
 * A batch with other dictionaries, or `maxRows` gathered, starts the next stream.
 * Used by cache writes and by the map side of frame shuffles.
 */
export class SharedDictGroup {
  private batches: ColumnBatch[] = [];
  private count = 0;

  /**
   * `keepRepeatable`: dictionaries not much larger than a group stay whole (see
   * compactSharedDicts), so the groups cut from one input repeat the same bytes.
   */
  constructor(
    private readonly maxRows: number,
    private readonly write: (ipc: Uint8Array[], batches: readonly ColumnBatch[]) => void,
    private readonly keepRepeatable = false,
  ) {}

  /** Rows gathered and not yet written. */
  get rows(): number {
    return this.count;
  }

  add(b: ColumnBatch): void {
    const first = this.batches[0];
    if (first && !b.columns.every((c, i) => c.type !== 'string' || dictHandle(c) === dictHandle(first.columns[i]!))) this.flush();
    this.batches.push(b);
    this.count += b.numRows;
    if (this.count >= this.maxRows) this.flush();
  }

  flush(): void {
    if (!this.batches.length) return;
    const batches = compactSharedDicts(this.batches, this.keepRepeatable);
    this.write(encodeIpcPieces(batches[0]!.schema, batches), batches);
    this.batches = [];
    this.count = 0;
  }
}
