import type { ComputeSpec, Dep, PlanNode, ShuffleSpec } from './node.js';
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
  /**
   * Stages behind a cached node the stage reads (fully cached when the job was cut): they run
   * only if partitions of that node are lost meanwhile. `under`: the cached node this one is
   * itself behind.
   */
  behindCache: BehindCache[];
}

export interface BehindCache {
  nodeId: number;
  numPartitions: number;
  parents: Stage[];
  under?: number;
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
    const stage: Stage = { stageId: newStageId(), node, shuffle, parents: [], behindCache: [] };
    all.push(stage);
    const stageOf = ({ parent, spec }: { parent: PlanNode; spec: ShuffleSpec }): Stage => {
      let s = byShuffle.get(spec.shuffleId);
      if (!s) {
        s = make(parent, spec);
        byShuffle.set(spec.shuffleId, s);
      }
      return s;
    };
    const { direct, behind } = shuffleParents(node);
    stage.parents = direct.map(stageOf);
    stage.behindCache = behind.map(({ found, ...c }) => ({ ...c, parents: found.map(stageOf) }));
    return stage;
  };
  // Shuffle dependencies reachable from `node` through narrow dependencies only, depth first in
  // dependency order (an explicit stack: lineages may be many thousands of operators deep).
  // Those behind a cached node go to that node's bucket.
  type Found = { parent: PlanNode; spec: ShuffleSpec };
  const shuffleParents = (node: PlanNode) => {
    const direct: Found[] = [];
    const behind: Array<{ nodeId: number; numPartitions: number; under?: number; found: Found[] }> = [];
    const seen = new Set<string>();
    const stack: Array<{ d: Dep; cache?: (typeof behind)[number] }> = [{ d: { type: 'narrow', node } }];
    while (stack.length > 0) {
      const { d, cache } = stack.pop()!;
      if (d.type === 'shuffle') {
        (cache ? cache.found : direct).push({ parent: d.node, spec: d.shuffle });
        continue;
      }
      const n = d.node;
      const key = `${n.id}:${cache?.nodeId ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      let inner = cache;
      if (isCached(n)) {
        inner = { nodeId: n.id, numPartitions: n.numPartitions, under: cache?.nodeId, found: [] };
        behind.push(inner);
      }
      for (let i = n.deps.length - 1; i >= 0; i--) stack.push({ d: n.deps[i]!, cache: inner });
    }
    return { direct, behind };
  };
  const final = make(root);
  return { final, all };
}

/** The pipeline a task of `stage` runs, as plain data for a worker (a node shared by two parents stays shared). */
export function toWire(node: PlanNode): WireNode {
  const wires = new Map<PlanNode, WireNode>();
  for (const n of postOrder(node, (x) => x.deps.flatMap((d) => (d.type === 'narrow' ? [d.node] : [])))) {
    wires.set(n, {
      id: n.id,
      op: n.op,
      site: n.site,
      numPartitions: n.numPartitions,
      compute: n.compute,
      cached: n.cached,
      deps: n.deps.map((d): WireDep =>
        d.type === 'narrow'
          ? { type: 'narrow', node: wires.get(d.node)! }
          : { type: 'shuffle', shuffleId: d.shuffle.shuffleId, numMaps: d.node.numPartitions },
      ),
    });
  }
  return wires.get(node)!;
}

/** Every node of the lineage under `root`, parents before children, each once. */
export function lineage(root: PlanNode): PlanNode[] {
  return postOrder(root, (n) => n.deps.map((d) => d.node));
}

/**
 * The nodes under `root` (by `children`), each once, children before parents,
 * in the order a recursive walk would list them; iterative, so a lineage of
 * any depth fits on the stack.
 */
export function postOrder<N extends object>(root: N, children: (n: N) => readonly N[]): N[] {
  const out: N[] = [];
  const seen = new Set<N>([root]);
  const stack: Array<{ n: N; kids: readonly N[]; i: number }> = [{ n: root, kids: children(root), i: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.i < top.kids.length) {
      const k = top.kids[top.i++]!;
      if (!seen.has(k)) {
        seen.add(k);
        stack.push({ n: k, kids: children(k), i: 0 });
      }
    } else {
      stack.pop();
      out.push(top.n);
    }
  }
  return out;
}

/** A stage's pipeline as a flat list (deps by index): posting a nested tree thousands of levels deep overflows the serializer's stack. */
export interface FlatWire {
  nodes: Array<Omit<WireNode, 'deps'> & { deps: Array<{ type: 'narrow'; index: number } | Extract<WireDep, { type: 'shuffle' }>> }>;
}

/** Flattens a pipeline for posting; the root is the last node. */
export function flattenWire(root: WireNode): FlatWire {
  const order = postOrder(root, (n) => n.deps.flatMap((d) => (d.type === 'narrow' ? [d.node] : [])));
  const index = new Map(order.map((n, i) => [n, i]));
  return {
    nodes: order.map((n) => ({ ...n, deps: n.deps.map((d) => (d.type === 'narrow' ? { type: 'narrow' as const, index: index.get(d.node)! } : d)) })),
  };
}

/** Rebuilds what {@link flattenWire} flattened. */
export function unflattenWire(flat: FlatWire): WireNode {
  const built: WireNode[] = [];
  for (const n of flat.nodes) {
    built.push({ ...n, deps: n.deps.map((d): WireDep => (d.type === 'narrow' ? { type: 'narrow', node: built[d.index]! } : d)) });
  }
  return built[built.length - 1]!;
}
