import type { PlanNode } from '../plan/node.js';

interface Held {
  nodeId: number;
  shuffleIds: number[];
  /** Blocks of the driver's own store only this node reads (parallelize slices). */
  driverBlocks: string[];
}

/**
 * Spark's ContextCleaner: once no Dataset or plan can reach a node, its
 * shuffles can never be read again and its cached partitions never reused, so
 * their blocks (memory and spill files) are freed, and so are the driver's
 * blocks of its parallelize slices. A running job keeps the
 * nodes of its stages reachable, so nothing it needs is cleaned under it.
 */
export class Cleaner {
  private readonly registry: FinalizationRegistry<Held>;
  private readonly tracked = new WeakSet<PlanNode>();

  constructor(clean: (held: Held) => void) {
    this.registry = new FinalizationRegistry(clean);
  }

  /** Watches a node and the nodes under it (a join's cogroup has no Dataset of its own). */
  track(node: PlanNode): void {
    if (this.tracked.has(node)) return;
    this.tracked.add(node);
    const shuffleIds = node.deps.flatMap((d) => (d.type === 'shuffle' ? [d.shuffle.shuffleId] : []));
    const c = node.compute;
    const driverBlocks = c.kind === 'parallelize' ? c.slices.flatMap((s) => (s ? [s.blockId] : [])) : [];
    this.registry.register(node, { nodeId: node.id, shuffleIds, driverBlocks });
    for (const d of node.deps) this.track(d.node);
  }
}
