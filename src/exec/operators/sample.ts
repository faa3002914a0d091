import type { ComputeSpec } from '../../plan/node.js';
import { mixSeed, seededRandom } from '../../util/random.js';
import type { Batches } from '../batch.js';

/**
 * sample(): Bernoulli sampling without replacement, Poisson(fraction) copies
 * with replacement, seeded per partition so a re-run draws the same records.
 */
export function* sampleOp(spec: Extract<ComputeSpec, { kind: 'sample' }>, p: number, input: Batches): Generator<unknown[]> {
  const rand = seededRandom(mixSeed(spec.seed, p));
  const { fraction } = spec;
  for (const b of input) {
    const out: unknown[] = [];
    for (const x of b) {
      if (!spec.withReplacement) {
        if (rand() < fraction) out.push(x);
        continue;
      }
      for (let k = poisson(fraction, rand); k > 0; k--) out.push(x);
    }
    if (out.length) yield out;
  }
}

/** Knuth's method; fractions used for sampling are small enough for it. */
function poisson(mean: number, rand: () => number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  let prod = rand();
  while (prod > limit) {
    k++;
    prod *= rand();
  }
  return k;
}

/** zipWithIndex(): offsets come from a counting job run before this one. */
export function* zipWithIndexOp(spec: Extract<ComputeSpec, { kind: 'zipWithIndex' }>, p: number, input: Batches): Generator<unknown[]> {
  if (!spec.offsets) throw new Error('internal: zipWithIndex offsets were not computed before the job');
  let i = spec.offsets[p]!;
  for (const b of input) {
    const out = new Array(b.length);
    for (let j = 0; j < b.length; j++) out[j] = [b[j], i++];
    yield out;
  }
}
