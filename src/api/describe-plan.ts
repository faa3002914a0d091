import type { PlanNode } from '../plan/node.js';
import { formatSite } from '../util/errors.js';

/**
 * Prints a lineage as an indented tree, one node per line, marking shuffle
 * boundaries (where stages are cut) and cached nodes:
 *
 * ```
 * (4) reduceByKey [2] at wc.ts:9:6
 *  +-(4) shuffle
 *     (4) map [1] at wc.ts:8:6
 *     (4) flatMap [0] at wc.ts:7:6
 * ```
 */
export function describePlan(root: PlanNode, isCached: (n: PlanNode) => boolean): string {
  const lines: string[] = [];
  // An explicit stack (lineages can be thousands of operators deep): a node, or a line to print, in the order a recursive walk would.
  const stack: Array<{ n: PlanNode; indent: string } | string> = [{ n: root, indent: '' }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (typeof item === 'string') {
      lines.push(item);
      continue;
    }
    const { n, indent } = item;
    const cached = n.cached ? (isCached(n) ? ' [cached]' : ' [cache requested]') : '';
    const where = n.site ? ` at ${formatSite({ ...n.site, file: n.site.file.split('/').pop()! })}` : '';
    lines.push(`${indent}(${n.numPartitions}) ${n.op} #${n.id}${where}${cached}`);
    for (let i = n.deps.length - 1; i >= 0; i--) {
      const d = n.deps[i]!;
      if (d.type === 'shuffle') {
        stack.push({ n: d.node, indent: indent + '    ' });
        stack.push(`${indent} +-(${d.shuffle.partitioner.numPartitions}) shuffle ${d.shuffle.shuffleId} (${d.shuffle.partitioner.kind}${d.shuffle.mapSideCombine ? ', map-side combine' : ''})`);
      } else stack.push({ n: d.node, indent: n.deps.length === 1 ? indent : indent + '  ' });
    }
  }
  return lines.join('\n');
}
