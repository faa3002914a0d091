import type { PlanNode } from '../plan/node.js';
import type { Stage } from '../plan/stages.js';
import type { StageSpec } from '../scheduler/events.js';
import { stageInputHosts } from './hosts.js';

/** A stage as the scheduler sees it: ids, counts, and where its tasks would rather run. */
export function stageSpec(s: Stage): StageSpec {
  return {
    stageId: s.stageId,
    numPartitions: s.node.numPartitions,
    parents: s.parents.map((p) => p.stageId),
    shuffleId: s.shuffle?.shuffleId,
    cachedNodes: cachedInStage(s.node),
    hosts: stageInputHosts(s.node),
    cachedParents:
      s.behindCache.length > 0
        ? s.behindCache.map((c) => ({ nodeId: c.nodeId, numPartitions: c.numPartitions, parents: c.parents.map((p) => p.stageId), ...(c.under !== undefined ? { under: c.under } : {}) }))
        : undefined,
  };
}

/** The stages a job runs unless a cached partition is lost: those not only behind a cached node (the others show as skipped). */
export function directStages(final: Stage): Set<Stage> {
  const direct = new Set<Stage>();
  for (const stack = [final]; stack.length > 0; ) {
    const st = stack.pop()!;
    if (direct.has(st)) continue;
    direct.add(st);
    stack.push(...st.parents);
  }
  return direct;
}

/** Cached nodes of a stage's pipeline with its partitioning (task p reads their partition p): where tasks prefer to run. */
function cachedInStage(root: PlanNode): number[] | undefined {
  const out: number[] = [];
  const stack = [root];
  const seen = new Set<PlanNode>();
  while (stack.length > 0) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    if (n.cached && n.numPartitions === root.numPartitions) out.push(n.id);
    for (const d of n.deps) if (d.type === 'narrow') stack.push(d.node);
  }
  return out.length > 0 ? out : undefined;
}
