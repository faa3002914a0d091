import { encodeIpc } from '../frame/batch/ipc.js';
import { batchFromColumns } from '../frame/batch/records.js';
import type { LogicalPlan } from '../frame/logical/plan.js';

let cached: LogicalPlan | undefined;

/**
 * The input of a SELECT without FROM (`SELECT 1 + 2`): one row, in one
 * partition, of one column no query can name.
 */
export function oneRow(): LogicalPlan {
  if (!cached) {
    const batch = batchFromColumns({ ' one row': [0] }, { fields: [{ name: ' one row', type: 'int32', nullable: false }] });
    cached = { kind: 'scan', source: { kind: 'memory', partitions: [[encodeIpc(batch)]], name: 'one row', rows: 1 }, schema: batch.schema, filters: [] };
  }
  return cached;
}
