import type { ActionSpec } from '../exec/task.js';
import { abortJob, commitJob, partName, prepareOutputDir } from '../io/output-committer.js';
import { RECORD_FILE_EXT } from '../io/record-files.js';
import type { PlanNode } from '../plan/node.js';
import type { Engine } from './engine.js';
import { userCallSite } from '../util/call-site.js';
import { join } from 'node:path';

/**
 * Runs a job whose tasks each write their partition as a file under `dir`, atomically: into a
 * temp directory renamed to `dir` only when every partition was committed.
 */
export async function saveFiles(e: Engine, node: PlanNode, dir: string, action: (tempDir: string) => ActionSpec, description: string): Promise<void> {
  const { tempDir } = prepareOutputDir(dir);
  try {
    await e.run(node, action(tempDir), description);
    commitJob(tempDir, dir, node.numPartitions);
  } catch (err) {
    abortJob(tempDir);
    throw err;
  }
}

/**
 * Writes every partition of `node` to the checkpoint directory and returns a source node that
 * reads them back: same partitions, same partitioner, no parents, so nothing before it is
 * ever recomputed (Spark's eager Dataset.checkpoint).
 */
export async function checkpointRecords(e: Engine, node: PlanNode): Promise<PlanNode> {
  // Named after the new node: the same Dataset checkpointed twice gets two directories.
  const id = e.ids.nodeId();
  const dir = join(e.driver.checkpointDir, `dataset-${id}`);
  await saveFiles(e, node, dir, (tempDir) => ({ kind: 'save', format: 'records', tempDir }), `checkpoint of ${node.op} #${node.id}`);
  const paths = Array.from({ length: node.numPartitions }, (_, p) => join(dir, partName(p, RECORD_FILE_EXT)));
  return {
    id,
    op: 'checkpoint',
    site: userCallSite() ?? node.site,
    numPartitions: node.numPartitions,
    compute: { kind: 'recordFiles', paths },
    deps: [],
    ...(node.partitioner ? { partitioner: node.partitioner } : {}),
  };
}
