/** Stage cutting and pipeline flattening on lineages too deep for recursion, compared with a recursive reference on small ones. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { PlanNode } from '../../src/plan/node.js';
import { cutStages, flattenWire, lineage, postOrder, toWire, unflattenWire, type WireNode } from '../../src/plan/stages.js';
import { seededRandom } from '../../src/util/random.js';

let nextId = 0;
const source = (): PlanNode => ({ id: nextId++, op: 'range', numPartitions: 2, compute: { kind: 'range', start: 0, end: 10, step: 1 }, deps: [] });
const narrow = (...parents: PlanNode[]): PlanNode => ({ id: nextId++, op: 'union', numPartitions: 2, compute: { kind: 'union' }, deps: parents.map((node) => ({ type: 'narrow', node })) });
const shuffle = (parent: PlanNode): PlanNode => {
  const id = nextId++;
  return { id, op: 'groupByKey', numPartitions: 2, compute: { kind: 'shuffleRead' }, deps: [{ type: 'shuffle', node: parent, shuffle: { shuffleId: id, partitioner: { kind: 'hash', numPartitions: 2 } } }] };
};

/** A random DAG: narrow nodes over one or two earlier nodes (sharing), some shuffles. */
function randomDag(seed: number, size: number): PlanNode {
  const rand = seededRandom(seed);
  const nodes = [source()];
  for (let i = 0; i < size; i++) {
    const pick = () => nodes[Math.floor(rand() * nodes.length)]!;
    const r = rand();
    nodes.push(r < 0.15 ? shuffle(pick()) : r < 0.4 ? narrow(pick(), pick()) : narrow(nodes[nodes.length - 1]!));
  }
  return nodes[nodes.length - 1]!;
}

function recursivePostOrder(root: PlanNode): PlanNode[] {
  const out: PlanNode[] = [];
  const seen = new Set<PlanNode>();
  const visit = (n: PlanNode): void => {
    if (seen.has(n)) return;
    seen.add(n);
    for (const d of n.deps) visit(d.node);
    out.push(n);
  };
  visit(root);
  return out;
}

test('postOrder lists nodes as a recursive walk does', () => {
  for (let seed = 0; seed < 50; seed++) {
    const root = randomDag(seed, 60);
    assert.deepEqual(postOrder(root, (n) => n.deps.map((d) => d.node)).map((n) => n.id), recursivePostOrder(root).map((n) => n.id));
    assert.deepEqual(lineage(root).map((n) => n.id), recursivePostOrder(root).map((n) => n.id));
  }
});

test('a flattened pipeline rebuilds to the same tree, shared nodes still shared', () => {
  for (let seed = 0; seed < 50; seed++) {
    const wire = toWire(randomDag(seed, 60));
    const back = unflattenWire(structuredClone(flattenWire(wire)));
    const shape = (w: WireNode): unknown[] => postOrder(w, (n) => n.deps.flatMap((d) => (d.type === 'narrow' ? [d.node] : []))).map((n) => [n.id, n.deps.map((d) => (d.type === 'narrow' ? d.node.id : `s${d.shuffleId}`))]);
    assert.deepEqual(shape(back), shape(wire));
  }
});

test('50,000 chained operators: stages are cut, the pipeline is built, flattened and cloned', () => {
  let n = source();
  for (let i = 0; i < 50_000; i++) n = i > 0 && i % 10_000 === 0 ? shuffle(n) : narrow(n);
  let stageId = 0;
  const { final, all } = cutStages(n, () => stageId++, () => false);
  assert.equal(all.length, 5);
  assert.equal(final.parents.length, 1);
  const back = unflattenWire(structuredClone(flattenWire(toWire(final.node))));
  let depth = 0;
  for (let w: WireNode | undefined = back; w; w = w.deps[0]?.type === 'narrow' ? w.deps[0].node : undefined) depth++;
  assert.equal(depth, 10_000);
});
