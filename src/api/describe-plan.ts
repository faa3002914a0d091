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
  const visit = (n: PlanNode, indent: string): void => {
    const cached = n.cached ? (isCached(n) ? ' [cached]' : ' [cache requested]') : '';
    const where = n.site ? ` at ${formatSite({ ...n.site, file: n.site.file.split('/').pop()! })}` : '';
    lines.push(`${indent}(${n.numPartitions}) ${n.op} #${n.id}${where}${cached}`);
    for (const d of n.deps) {
      if (d.type === 'shuffle') {
        lines.push(`${indent} +-(${d.shuffle.partitioner.numPartitions}) shuffle ${d.shuffle.shuffleId} (${d.shuffle.partitioner.kind}${d.shuffle.mapSideCombine ? ', map-side combine' : ''})`);
        visit(d.node, indent + '    ');
      } else visit(d.node, d === n.deps[0] && n.deps.length === 1 ? indent : indent + '  ');
    }
  };
  visit(root, '');
  return lines.join('\n');
}
