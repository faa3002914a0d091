import type { PhysOp } from '../frame/physical/ops.js';
import { narrowInputs, type SliceRef } from '../plan/node.js';
import type { WireNode } from '../plan/stages.js';
import { frameInputs } from './frame/frame-inputs.js';

/** The stored data one task may read: shuffle partitions and cached partitions. */
export interface TaskInputs {
  shuffles: Array<{ shuffleId: number; numMaps: number; partition: number }>;
  /** Partitions of cached nodes in the stage's pipeline (read if stored, else computed and stored). */
  cached: Array<{ nodeId: number; partition: number }>;
  /** Slices of parallelize sources the pipeline reads (driver-owned blocks). */
  slices: SliceRef[];
}

/**
 * Which shuffle and cached partitions task `p` of a stage reads, found by
 * walking its pipeline as compute() runs it: through narrow dependencies with
 * their partition mappings (union, coalesce) and frame operator trees. The
 * driver gives a task only these, so a task's payload does not grow with the
 * number of partitions of what it reads. Each input is listed once.
 */
export function taskInputs(node: WireNode, p: number): TaskInputs {
  const out: TaskInputs = { shuffles: [], cached: [], slices: [] };
  const seen = new Set<string>();
  // An explicit stack, not recursion: a pipeline may chain thousands of narrow operators.
  const stack: Array<[WireNode, number]> = [[node, p]];
  while (stack.length > 0) {
    const [n, q] = stack.pop()!;
    const key = `${n.id}:${q}`;
    if (seen.has(key)) continue;
    seen.add(key);
    if (n.cached) out.cached.push({ nodeId: n.id, partition: q });
    if (n.compute.kind === 'parallelize') {
      const slice = n.compute.slices[q];
      if (slice) out.slices.push(slice);
    }
    const next: Array<[WireNode, number]> = [];
    const read = (d: number, r: number): void => {
      const dep = n.deps[d]!;
      if (dep.type === 'narrow') next.push([dep.node, r]);
      else if (!seen.has(`s${dep.shuffleId}:${r}`)) {
        seen.add(`s${dep.shuffleId}:${r}`);
        out.shuffles.push({ shuffleId: dep.shuffleId, numMaps: dep.numMaps, partition: r });
      }
    };
    if (n.compute.kind === 'frame') {
      for (const i of frameInputs(n.compute.root as PhysOp, q)) read(i.dep, i.partition);
    } else {
      const counts = n.deps.map((d) => (d.type === 'narrow' ? d.node.numPartitions : d.numMaps));
      for (const [d, r] of narrowInputs(n.compute, counts, q)) read(d, r);
    }
    // Reversed, so inputs are visited in the order a recursive walk would take.
    for (let i = next.length - 1; i >= 0; i--) stack.push(next[i]!);
  }
  return out;
}
