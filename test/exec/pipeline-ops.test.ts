/**
 * The one switch over record operator kinds that the sync and async paths
 * share (exec/pipeline-ops.ts), run over a path that records what it is asked
 * to do: a fused chain is cut into pieces of at most FUSE_LIMIT operators (on
 * both paths alike), cached nodes stop a chain, and union reads the parent
 * partition its partition number falls in.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ComputeSpec } from '../../src/plan/node.js';
import type { WireNode } from '../../src/plan/stages.js';
import { FUSE_LIMIT } from '../../src/exec/operators/fused.js';
import { pipelineOp, type PipelinePath } from '../../src/exec/pipeline-ops.js';

let ids = 0;
const source = (numPartitions = 2): WireNode => ({ id: ids++, op: 'parallelize', numPartitions, compute: { kind: 'parallelize', slices: [] }, deps: [] });
const over = (parent: WireNode, compute: ComputeSpec, cached = false): WireNode => ({
  id: ids++,
  op: compute.kind,
  numPartitions: parent.numPartitions,
  compute,
  deps: [{ type: 'narrow', node: parent }],
  ...(cached ? { cached } : {}),
});
const mapOver = (parent: WireNode): WireNode => over(parent, { kind: 'map', fn: { src: '(x) => x', env: undefined, op: 'map' } });

/** A path whose values describe what was done, e.g. `fuse[3](compute(0@1))`. */
const recording: PipelinePath<string> = {
  compute: (n, q) => `compute(${n.id}@${q})`,
  fuse: (chain, input) => `fuse[${chain.length}:${chain[0]!.id}-${chain[chain.length - 1]!.id}](${input})`,
  mapPartitions: (n, _spec, _p, input) => `mapPartitions ${n.id}(${input()})`,
  whole: (input) => `whole(${input()})`,
  concat: (inputs) => inputs.map((f) => f()).join(' + '),
  frameRecords: (frame, p) => `frameRecords(${frame.id}@${p})`,
  other: (n, p) => `other(${n.id}@${p})`,
};

test(`a chain of record operators is fused in pieces of at most ${FUSE_LIMIT}, bottom first`, () => {
  const base = source();
  let top = base;
  const chain: WireNode[] = [];
  for (let i = 0; i < 2 * FUSE_LIMIT + 10; i++) chain.push((top = mapOver(top)));
  const [a, b, c] = [chain[0]!.id, chain[FUSE_LIMIT]!.id, chain[2 * FUSE_LIMIT]!.id];
  assert.equal(
    pipelineOp(top, 1, recording),
    `fuse[10:${c}-${top.id}](fuse[${FUSE_LIMIT}:${b}-${b + FUSE_LIMIT - 1}](fuse[${FUSE_LIMIT}:${a}-${a + FUSE_LIMIT - 1}](compute(${base.id}@1))))`,
  );
});

test('a cached operator ends a fused chain; other kinds go to their own step', () => {
  const base = source();
  const cached = mapOver(mapOver(base));
  cached.cached = true;
  const top = mapOver(mapOver(cached));
  assert.equal(pipelineOp(top, 0, recording), `fuse[2:${top.id - 1}-${top.id}](compute(${cached.id}@0))`);
  const sampled = over(base, { kind: 'sample', withReplacement: false, fraction: 0.5, seed: 1 });
  assert.equal(pipelineOp(sampled, 1, recording), `whole(compute(${base.id}@1))`);
  const parted = over(base, { kind: 'mapPartitions', fn: { src: '(it) => it', env: undefined, op: 'mapPartitions' }, withIndex: false } as ComputeSpec);
  assert.equal(pipelineOp(parted, 1, recording), `mapPartitions ${parted.id}(compute(${base.id}@1))`);
  assert.equal(pipelineOp(base, 1, recording), `other(${base.id}@1)`);
});

test('union reads the partition of the parent its number falls in; coalesce reads its group', () => {
  const [x, y] = [source(2), source(3)];
  const union: WireNode = { id: ids++, op: 'union', numPartitions: 5, compute: { kind: 'union' }, deps: [{ type: 'narrow', node: x }, { type: 'narrow', node: y }] };
  assert.deepEqual([0, 1, 2, 4].map((p) => pipelineOp(union, p, recording)), [`compute(${x.id}@0)`, `compute(${x.id}@1)`, `compute(${y.id}@0)`, `compute(${y.id}@2)`]);
  const coalesced = over(y, { kind: 'coalesce', groups: [[0, 2], [1]] } as ComputeSpec);
  assert.equal(pipelineOp(coalesced, 0, recording), `compute(${y.id}@0) + compute(${y.id}@2)`);
});
