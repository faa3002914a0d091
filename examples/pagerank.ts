/**
 * PageRank by power iteration over a random graph, Spark's classic example of
 * an iterative job: the links are computed once and cached; each iteration
 * joins them with the current ranks.
 *
 *   node dist/src/cli/main.js run examples/pagerank.ts [nodes=20000] [iterations=10] --master 'local[4]'
 */
import type { Session } from 'sluice';

export default async function pagerank(s: Session, args: string[]): Promise<void> {
  const nodes = Number(args[0] ?? 20_000);
  const iterations = Number(args[1] ?? 10);
  const t0 = performance.now();

  // Edges are generated on the workers, deterministically per source node; the
  // helper travels in env like any other value.
  const links = s
    .range(0, nodes)
    .flatMap((src, env) => env.edgesOf(src, env.nodes), { nodes, edgesOf })
    .distinct()
    .groupByKey()
    .cache();
  const numEdges = await links.map(([, targets]) => targets.length).reduce((a, b) => a + b);
  console.log(`graph: ${nodes} nodes, ${numEdges} edges (built in ${((performance.now() - t0) / 1000).toFixed(2)} s)`);

  let ranks = links.mapValues(() => 1.0);
  for (let i = 1; i <= iterations; i++) {
    const t = performance.now();
    const next = links
      .join(ranks)
      .flatMap(([, [targets, rank]]) => targets.map((dst) => [dst, rank / targets.length] as [number, number]))
      .reduceByKey((a, b) => a + b)
      .mapValues((sum) => 0.15 + 0.85 * sum)
      .cache();
    // Materialize each iteration (to time it, and so the next one starts from cached ranks).
    const count = await next.count();
    ranks.unpersist();
    ranks = next;
    console.log(`iteration ${String(i).padStart(2)}: ${count} ranks in ${((performance.now() - t) / 1000).toFixed(2)} s`);
  }

  const top = await ranks.top(10, (a, b) => a[1] - b[1]);
  console.log('top 10 pages by rank:');
  for (const [node, rank] of top) console.log(`  node ${String(node).padStart(6)}  ${rank.toFixed(4)}`);
  console.log(`total ${((performance.now() - t0) / 1000).toFixed(2)} s on ${s.master}`);
}

/**
 * Out-edges of `src`: 1–20 targets (every page links somewhere, so no rank leaks
 * away), skewed towards low node ids so that some pages become hubs. Seeded by
 * `src`, so the graph is the same for any number of partitions. Shipped to the
 * workers in env: it uses no outer variables.
 */
function edgesOf(src: number, nodes: number): Array<[number, number]> {
  let a = (src * 2654435761 + 12345) >>> 0;
  const rand = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const degree = 1 + Math.floor(rand() ** 2 * 20);
  const out: Array<[number, number]> = [];
  for (let k = 0; k < degree; k++) {
    let dst = Math.floor(rand() ** 3 * nodes);
    if (dst === src) dst = (dst + 1) % nodes;
    out.push([src, dst]);
  }
  return out;
}
