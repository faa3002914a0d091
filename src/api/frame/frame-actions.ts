import { concatBatches } from '../../frame/batch/batch.js';
import { toArrowTable } from '../../frame/batch/arrow.js';
import { unpackChunks } from '../../exec/exchange/chunk-format.js';
import { ipcFormat } from '../../exec/frame/ipc-format.js';
import { batchToRecords } from '../../frame/batch/records.js';
import type { ColumnBatch } from '../../frame/batch/vector.js';
import { formatTable } from '../../frame/batch/format.js';
import { getValue } from '../../frame/batch/values.js';
import type { Schema } from '../../frame/types.js';
import { prepareOutputDir, commitJob, abortJob } from '../../io/output-committer.js';
import { checkWritable } from '../../io/frame/writers.js';
import type { PhysOp } from '../../frame/physical/ops.js';
import type { CompiledQuery, FrameContext, FileFormat } from './frame-context.js';
import type { LogicalPlan } from '../../frame/logical/plan.js';
import { userCallSite } from '../../util/call-site.js';
import { join } from 'node:path';

/** Runs the query and brings its batches to the driver, partition by partition in order. */
export async function collectBatches(fc: FrameContext, plan: LogicalPlan, limit?: number): Promise<{ schema: Schema; batches: ColumnBatch[] }> {
  const q = fc.compile(plan);
  const schema = (q.node.compute as { root: PhysOp }).root.schema;
  const results = await runQuery(fc, q, { kind: 'frameCollect', limit }, `collect at ${site()}`);
  const batches: ColumnBatch[] = [];
  let rows = 0;
  for (const r of results) {
    for (const b of r.records ? unpackChunks(ipcFormat, r.records) : []) {
      if (limit !== undefined && rows >= limit) break;
      batches.push(b);
      rows += b.numRows;
    }
  }
  return { schema, batches };
}

export async function collectRecords(fc: FrameContext, plan: LogicalPlan, limit?: number): Promise<Record<string, unknown>[]> {
  const { batches } = await collectBatches(fc, plan, limit);
  const out: Record<string, unknown>[] = [];
  for (const b of batches) for (const r of batchToRecords(b)) if (limit === undefined || out.length < limit) out.push(r);
  return out;
}

export async function countRows(fc: FrameContext, plan: LogicalPlan): Promise<number> {
  const results = await runQuery(fc, fc.compile(plan), { kind: 'count' }, `count at ${site()}`);
  return results.reduce((n, r) => n + (r.value as number), 0);
}

export async function toArrow(fc: FrameContext, plan: LogicalPlan): Promise<ReturnType<typeof toArrowTable>> {
  const { schema, batches } = await collectBatches(fc, plan);
  return toArrowTable(schema, batches);
}

/** The first n rows as a table, as Spark's show() prints them. */
export async function showString(fc: FrameContext, plan: LogicalPlan, n: number, truncate: number): Promise<string> {
  const { schema, batches } = await collectBatches(fc, plan, n + 1);
  const all = batches.length ? concatBatches(schema, batches) : null;
  const rows: unknown[][] = [];
  for (let i = 0; all && i < Math.min(n, all.numRows); i++) rows.push(all.columns.map((c) => getValue(c, i)));
  const more = all && all.numRows > n ? `\nonly showing top ${n} row${n === 1 ? '' : 's'}` : '';
  return formatTable(schema, rows, { truncate }) + more;
}

/**
 * Writes the query's rows as files under `dir`, one per partition (and per
 * partitionBy folder), atomically: into a hidden temp directory that is
 * renamed to `dir` only when every task succeeded.
 */
export async function writeFiles(fc: FrameContext, plan: LogicalPlan, format: FileFormat, dir: string, options: Record<string, unknown>): Promise<void> {
  const q = fc.compile(plan);
  try {
    checkWritable(format, (q.node.compute as { root: PhysOp }).root.schema, options.partitionBy as string[] | undefined);
  } catch (e) {
    fc.release(q);
    throw e;
  }
  const { tempDir } = prepareOutputDir(dir);
  try {
    await runQuery(fc, q, { kind: 'frameWrite', format, tempDir, options }, `write ${format} to ${dir}`);
    commitJob(tempDir, dir);
  } catch (err) {
    abortJob(tempDir);
    throw err;
  }
}

/** Runs a compiled query's action, then frees its shuffles (they are planned per action). */
async function runQuery(fc: FrameContext, q: CompiledQuery, action: Parameters<FrameContext['engine']['run']>[1], name: string) {
  try {
    return await fc.engine.run(q.node, action, name);
  } finally {
    fc.release(q);
  }
}

function site(): string {
  const s = userCallSite();
  return s ? `${s.file.split('/').pop()}:${s.line}` : 'DataFrame';
}

let checkpoints = 0;

/**
 * Writes the query's rows to the checkpoint directory as Arrow IPC files and returns a scan of
 * them: a plan with no parents, so nothing before it is computed again.
 */
export async function checkpointFrame(fc: FrameContext, plan: LogicalPlan): Promise<LogicalPlan> {
  const dir = join(fc.engine.driver.checkpointDir, `checkpoint-${checkpoints++}`);
  await writeFiles(fc, plan, 'arrow', dir, {});
  return fc.fileScan('arrow', dir, {});
}
