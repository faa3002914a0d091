import type { ColumnVector } from '../../../frame/batch/vector.js';
import { dictHashes, hashNumber, hashString } from '../../../frame/batch/hash.js';
import { numberVector, valuesVector } from '../group-vectors.js';
import { internalReader, numbersOf, type AggSpec, type GroupAggregate } from './aggregate.js';
import { checkFraction } from './holistic.js';
import { HyperLogLog } from './hyperloglog.js';
import { TDigest } from './t-digest.js';

/** Calls f(row, flat) for each non-null list of rows 0..n-1 of a sketch state column. */
function forEachFlat(v: ColumnVector, n: number, f: (row: number, flat: number[]) => void): void {
  const objs = v.objects ?? [];
  for (let i = 0; i < n; i++) {
    const l = objs[i];
    if (l) f(i, l as number[]);
  }
}

/** approx_percentile(x, params[0]): a t-digest per group (see TDigest for the error). State: the centroids. */
export class ApproxPercentileAgg implements GroupAggregate {
  private digests: (TDigest | undefined)[] = [];
  private held = 0;
  private readonly fraction: number;

  constructor(private readonly spec: AggSpec) {
    this.fraction = checkFraction(spec);
  }

  update(ids: Int32Array, args: readonly ColumnVector[], n: number): void {
    const v = args[0]!;
    const xs = numbersOf(v, this.spec.name);
    const validity = v.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) continue;
      const d = this.digest(ids[i]!);
      const before = d.held;
      d.add(xs[i]!);
      this.held += d.held - before;
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number): void {
    forEachFlat(states[0]!, n, (i, flat) => {
      const d = this.digest(ids[i]!);
      const before = d.held;
      d.addCentroids(flat);
      this.held += d.held - before;
    });
  }

  states(numGroups: number): ColumnVector[] {
    const out = new Array<number[] | null>(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = this.digests[g]?.toFlat() ?? null;
    return [valuesVector({ list: 'float64' }, out)];
  }

  finish(numGroups: number): ColumnVector {
    const out = new Float64Array(numGroups);
    const valid = new Uint8Array(numGroups);
    for (let g = 0; g < numGroups; g++) {
      const q = this.digests[g]?.quantile(this.fraction) ?? null;
      if (q !== null) {
        out[g] = q;
        valid[g] = 1;
      }
    }
    return numberVector(this.spec.outType, out, numGroups, valid);
  }

  bytes(): number {
    return this.digests.length * 96 + this.held * 8;
  }

  private digest(g: number): TDigest {
    return (this.digests[g] ??= new TDigest());
  }
}

/** approx_count_distinct(x): a HyperLogLog per group (~2% error). State: the sketch, list<int64>. */
export class ApproxCountDistinctAgg implements GroupAggregate {
  private sketches: (HyperLogLog | undefined)[] = [];
  private held = 0;

  constructor(private readonly spec: AggSpec) {}

  update(ids: Int32Array, args: readonly ColumnVector[], n: number): void {
    const v = args[0]!;
    if (v.type === 'string') return this.updateStrings(ids, v, n);
    if (v.values) {
      const xs = v.values;
      const validity = v.validity;
      for (let i = 0; i < n; i++) {
        if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) continue;
        this.add(ids[i]!, hashNumber(xs[i]!));
      }
      return;
    }
    const read = internalReader(v);
    for (let i = 0; i < n; i++) {
      const x = read(i);
      if (x !== null) this.add(ids[i]!, hashString(JSON.stringify(x)));
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number): void {
    forEachFlat(states[0]!, n, (i, flat) => {
      const s = this.sketch(ids[i]!);
      const before = s.bytes;
      s.addFlat(flat);
      this.held += s.bytes - before;
    });
  }

  states(numGroups: number): ColumnVector[] {
    const out = new Array<number[] | null>(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = this.sketches[g]?.toFlat() ?? null;
    return [valuesVector({ list: 'int64' }, out)];
  }

  finish(numGroups: number): ColumnVector {
    const out = new Float64Array(numGroups);
    for (let g = 0; g < numGroups; g++) out[g] = this.sketches[g]?.estimate() ?? 0;
    return numberVector(this.spec.outType, out, numGroups, null);
  }

  bytes(): number {
    return this.sketches.length * 64 + this.held;
  }

  /** Strings are hashed once per dictionary (dictHashes, shared with shuffle partitioning), not once per row. */
  private updateStrings(ids: Int32Array, v: ColumnVector, n: number): void {
    const hashes = dictHashes(v.dict!);
    const codes = v.values as Int32Array;
    const validity = v.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) continue;
      this.add(ids[i]!, hashes[codes[i]!]!);
    }
  }

  private add(g: number, hash: number): void {
    this.held += this.sketch(g).add(hash);
  }

  private sketch(g: number): HyperLogLog {
    return (this.sketches[g] ??= new HyperLogLog());
  }
}
