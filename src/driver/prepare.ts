import type { PlanNode } from '../plan/node.js';
import { lineage } from '../plan/stages.js';
import { compareKeys } from '../serde/keys.js';
import type { Driver } from './driver.js';

/**
 * Some plans need a small job before they can run: range partitioning needs
 * bounds sampled from its input (sortByKey), zipWithIndex needs each
 * partition's record count. Spark runs these jobs eagerly when the
 * transformation is defined; sluice runs them lazily, just before the first job
 * that needs them, and keeps the answer in the plan for later jobs.
 */
export async function preparePlan(root: PlanNode, driver: Driver): Promise<void> {
  for (const node of lineage(root)) {
    for (const dep of node.deps) {
      const part = dep.type === 'shuffle' ? dep.shuffle.partitioner : undefined;
      if (part?.kind === 'range' && !part.bounds) {
        part.bounds = await sampleBounds(dep.node, part.numPartitions, driver);
      }
    }
    if (node.compute.kind === 'zipWithIndex' && !node.compute.offsets) {
      const parent = node.deps[0]!.node;
      const counts = await driver.runJob(parent, { kind: 'count' }, `count partitions of ${parent.op} for zipWithIndex`);
      const offsets = [0];
      for (const r of counts) offsets.push(offsets[offsets.length - 1]! + (r.value as number));
      node.compute.offsets = offsets;
    }
  }
}

/** Picks numPartitions-1 bounds from a weighted sample of the keys (Spark's RangePartitioner.determineBounds). */
async function sampleBounds(parent: PlanNode, numPartitions: number, driver: Driver): Promise<unknown[]> {
  if (numPartitions <= 1) return [];
  const size = Math.ceil((20 * numPartitions) / Math.max(1, parent.numPartitions)) * 3;
  const results = await driver.runJob(parent, { kind: 'sampleKeys', size, seed: 42 }, `sample keys of ${parent.op} for range partitioning`);
  const weighted: Array<[unknown, number]> = [];
  let total = 0;
  for (const r of results) {
    const { count, keys } = r.value as { count: number; keys: unknown[] };
    if (!keys.length) continue;
    const w = count / keys.length;
    for (const k of keys) weighted.push([k, w]);
    total += count;
  }
  if (!weighted.length) return [];
  weighted.sort((a, b) => compareKeys(a[0], b[0]));
  const step = total / numPartitions;
  const bounds: unknown[] = [];
  let cum = 0;
  let target = step;
  for (const [k, w] of weighted) {
    cum += w;
    if (cum >= target && bounds.length < numPartitions - 1) {
      if (!bounds.length || compareKeys(bounds[bounds.length - 1], k) < 0) bounds.push(k);
      target += step;
    }
  }
  return bounds;
}
