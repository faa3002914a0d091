import type { PlanNode, ShuffleSpec, ComputeSpec } from './node.js';
import type { CallSite } from '../util/errors.js';

/**
 * A stage: one task per partition of `node`, running the fused pipeline of
 * narrow operators down to the sources or to shuffle reads. A map stage ends by
 * writing `shuffle`; the result stage ends with the job's action.
 */
export interface Stage {
  stageId: number;
  node: PlanNode;
  /** Set for shuffle map stages. */
  shuffle?: ShuffleSpec;
  parents: Stage[];
}

/** A node as a worker receives it: shuffle parents are replaced by the shuffle's id. */
export interface WireNode {
  id: number;
  op: string;
  site?: CallSite;
  numPartitions: number;
  compute: ComputeSpec;
  cached?: boolean;
  deps: WireDep[];
}
export type WireDep = { type: 'narrow'; node: WireNode } | { type: 'shuffle'; shuffleId: number; numMaps: number };

/**
 * Cuts the lineage under `root` into stages at shuffle dependencies (Spark's
 * DAGScheduler.getOrCreateParentStages). `isCached(node)` says a node's every
 * partition is in the block store: the walk stops there, so its parents do not run.
 */
export function cutStages(root: PlanNode, newStageId: () => number, isCached: (n: PlanNode) => boolean): { final: Stage; all: Stage[] } {
  const byShuffle = new Map<number, Stage>();
  const all: Stage[] = [];
  const make = (node: PlanNode, shuffle?: ShuffleSpec): Stage => {
    const stage: Stage = { stageId: newStageId(), node, shuffle, parents: [] };
    all.push(stage);
    stage.parents = shuffleParents(node).map(({ parent, spec }) => {
      let s = byShuffle.get(spec.shuffleId);
      if (!s) {
        s = make(parent, spec);
        byShuffle.set(spec.shuffleId, s);
      }
      return s;
    });
    return stage;
  };
  // Shuffle dependencies reachable from `node` through narrow dependencies only.
  const shuffleParents = (node: PlanNode): Array<{ parent: PlanNode; spec: ShuffleSpec }> => {
    const found: Array<{ parent: PlanNode; spec: ShuffleSpec }> = [];
    const seen = new Set<number>();
    const visit = (n: PlanNode): void => {
      if (seen.has(n.id)) return;
      seen.add(n.id);
      if (isCached(n)) return;
      for (const d of n.deps) {
        if (d.type === 'shuffle') found.push({ parent: d.node, spec: d.shuffle });
        else visit(d.node);
      }
    };
    visit(node);
    return found;
  };
  const final = make(root);
  return { final, all };
}

/** The pipeline a task of `stage` runs, as plain data for a worker. */
export function toWire(node: PlanNode): WireNode {
  return {
    id: node.id,
    op: node.op,
    site: node.site,
    numPartitions: node.numPartitions,
    compute: node.compute,
    cached: node.cached,
    deps: node.deps.map((d): WireDep =>
      d.type === 'narrow'
        ? { type: 'narrow', node: toWire(d.node) }
        : { type: 'shuffle', shuffleId: d.shuffle.shuffleId, numMaps: d.node.numPartitions },
    ),
  };
}

/** Every node of the lineage under `root`, parents before children, each once. */
export function lineage(root: PlanNode): PlanNode[] {
  const out: PlanNode[] = [];
  const seen = new Set<number>();
  const visit = (n: PlanNode): void => {
    if (seen.has(n.id)) return;
    seen.add(n.id);
    for (const d of n.deps) visit(d.node);
    out.push(n);
  };
  visit(root);
  return out;
}
