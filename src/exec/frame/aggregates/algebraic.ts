import type { ColumnVector } from '../../../frame/batch/vector.js';
import { growF64, numberVector } from '../group-vectors.js';
import { numbersOf, type AggSpec, type GroupAggregate } from './aggregate.js';

/** Growable per-group Float64Array columns, all the same length. */
class Columns {
  cols: Float64Array<ArrayBuffer>[];
  constructor(width: number) {
    this.cols = Array.from({ length: width }, () => new Float64Array(64));
  }
  grow(n: number): Float64Array<ArrayBuffer>[] {
    if (n > this.cols[0]!.length) this.cols = this.cols.map((c) => growF64(c, n));
    return this.cols;
  }
  bytes(): number {
    return this.cols.length * this.cols[0]!.byteLength;
  }
}

/** A float64 vector of f(g) for each group, null where f returns null. */
function derived(numGroups: number, f: (g: number) => number | null): ColumnVector {
  const out = new Float64Array(numGroups);
  const valid = new Uint8Array(numGroups);
  for (let g = 0; g < numGroups; g++) {
    const x = f(g);
    if (x !== null) {
      out[g] = x;
      valid[g] = 1;
    }
  }
  return numberVector('float64', out, numGroups, valid);
}

/** The state vectors: first column int64 (a count), the rest float64. */
function stateVectors(cols: Float64Array[], numGroups: number): ColumnVector[] {
  const count = cols[0]!;
  return cols.map((c, i) => numberVector(i === 0 ? 'int64' : 'float64', c, numGroups, i === 0 ? null : nonZero(count, numGroups)));
}

function nonZero(count: Float64Array, n: number): Uint8Array {
  const v = new Uint8Array(n);
  for (let g = 0; g < n; g++) v[g] = count[g]! > 0 ? 1 : 0;
  return v;
}

/** avg(x) = sum / count, null when count is 0. State: sum float64, count int64. */
export class AvgAgg implements GroupAggregate {
  private readonly c = new Columns(2);
  constructor(private readonly spec: AggSpec) {}

  update(ids: Int32Array, args: readonly ColumnVector[], n: number, numGroups: number): void {
    const [sum, count] = this.c.grow(numGroups) as [Float64Array, Float64Array];
    const v = args[0]!;
    const vals = numbersOf(v, this.spec.name);
    const validity = v.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) continue;
      const g = ids[i]!;
      sum[g]! += vals[i]!;
      count[g]!++;
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number, numGroups: number): void {
    const [sum, count] = this.c.grow(numGroups) as [Float64Array, Float64Array];
    const s = numbersOf(states[0]!, this.spec.name);
    const c = numbersOf(states[1]!, this.spec.name);
    for (let i = 0; i < n; i++) {
      if (c[i] === 0) continue;
      const g = ids[i]!;
      sum[g]! += s[i]!;
      count[g]! += c[i]!;
    }
  }

  states(numGroups: number): ColumnVector[] {
    const [sum, count] = this.c.grow(numGroups) as [Float64Array, Float64Array];
    return [numberVector('float64', sum, numGroups, nonZero(count, numGroups)), numberVector('int64', count, numGroups, null)];
  }

  finish(numGroups: number): ColumnVector {
    const [sum, count] = this.c.grow(numGroups) as [Float64Array, Float64Array];
    return derived(numGroups, (g) => (count[g]! > 0 ? sum[g]! / count[g]! : null));
  }

  bytes(): number {
    return this.c.bytes();
  }
}

/**
 * var_samp, var_pop, stddev_samp, stddev_pop by Welford's online update;
 * partial states merge with Chan et al.'s formula. State: count, mean, m2.
 */
export class VarianceAgg implements GroupAggregate {
  private readonly c = new Columns(3);
  constructor(private readonly spec: AggSpec & { fn: 'var_samp' | 'var_pop' | 'stddev_samp' | 'stddev_pop' }) {}

  update(ids: Int32Array, args: readonly ColumnVector[], n: number, numGroups: number): void {
    const [cnt, mean, m2] = this.c.grow(numGroups) as [Float64Array, Float64Array, Float64Array];
    const v = args[0]!;
    const vals = numbersOf(v, this.spec.name);
    const validity = v.validity;
    for (let i = 0; i < n; i++) {
      if (validity !== null && ((validity[i >> 3]! >> (i & 7)) & 1) === 0) continue;
      const g = ids[i]!;
      const x = vals[i]!;
      const k = ++cnt[g]!;
      const d = x - mean[g]!;
      const m = (mean[g] = mean[g]! + d / k);
      m2[g]! += d * (x - m);
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number, numGroups: number): void {
    const [cnt, mean, m2] = this.c.grow(numGroups) as [Float64Array, Float64Array, Float64Array];
    const [sc, sm, s2] = states.map((s) => numbersOf(s, this.spec.name));
    for (let i = 0; i < n; i++) {
      const nb = sc![i]!;
      if (nb === 0) continue;
      const g = ids[i]!;
      const na = cnt[g]!;
      const k = na + nb;
      const d = sm![i]! - mean[g]!;
      mean[g] = mean[g]! + (d * nb) / k;
      m2[g] = m2[g]! + s2![i]! + (d * d * na * nb) / k;
      cnt[g] = k;
    }
  }

  states(numGroups: number): ColumnVector[] {
    return stateVectors(this.c.grow(numGroups), numGroups);
  }

  finish(numGroups: number): ColumnVector {
    const [cnt, , m2] = this.c.grow(numGroups) as [Float64Array, Float64Array, Float64Array];
    const fn = this.spec.fn;
    const samp = fn === 'var_samp' || fn === 'stddev_samp';
    const sqrt = fn === 'stddev_samp' || fn === 'stddev_pop';
    return derived(numGroups, (g) => {
      const k = cnt[g]!;
      if (k === 0 || (samp && k < 2)) return null;
      const v = Math.max(0, m2[g]!) / (samp ? k - 1 : k);
      return sqrt ? Math.sqrt(v) : v;
    });
  }

  bytes(): number {
    return this.c.bytes();
  }
}

/**
 * covar_samp, covar_pop, corr over rows where both arguments are non-null
 * (bivariate Welford; Chan merge). State: count, meanX, meanY, c2, m2X, m2Y.
 * corr is NaN when a variance is 0 (as in DuckDB), null for no rows.
 */
export class CovarAgg implements GroupAggregate {
  private readonly c = new Columns(6);
  constructor(private readonly spec: AggSpec & { fn: 'covar_samp' | 'covar_pop' | 'corr' }) {}

  update(ids: Int32Array, args: readonly ColumnVector[], n: number, numGroups: number): void {
    const [cnt, mx, my, c2, m2x, m2y] = this.c.grow(numGroups) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const vx = args[0]!;
    const vy = args[1]!;
    const xs = numbersOf(vx, this.spec.name);
    const ys = numbersOf(vy, this.spec.name);
    const bx = vx.validity;
    const by = vy.validity;
    for (let i = 0; i < n; i++) {
      if (bx !== null && ((bx[i >> 3]! >> (i & 7)) & 1) === 0) continue;
      if (by !== null && ((by[i >> 3]! >> (i & 7)) & 1) === 0) continue;
      const g = ids[i]!;
      const x = xs[i]!;
      const y = ys[i]!;
      const k = ++cnt[g]!;
      const dx = x - mx[g]!;
      const dy = y - my[g]!;
      const nx = (mx[g] = mx[g]! + dx / k);
      const ny = (my[g] = my[g]! + dy / k);
      c2[g]! += dx * (y - ny);
      m2x[g]! += dx * (x - nx);
      m2y[g]! += dy * (y - ny);
    }
  }

  mergeStates(ids: Int32Array, states: readonly ColumnVector[], n: number, numGroups: number): void {
    const [cnt, mx, my, c2, m2x, m2y] = this.c.grow(numGroups) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const [sc, sx, sy, sc2, s2x, s2y] = states.map((s) => numbersOf(s, this.spec.name));
    for (let i = 0; i < n; i++) {
      const nb = sc![i]!;
      if (nb === 0) continue;
      const g = ids[i]!;
      const na = cnt[g]!;
      const k = na + nb;
      const dx = sx![i]! - mx[g]!;
      const dy = sy![i]! - my[g]!;
      const w = (na * nb) / k;
      mx[g] = mx[g]! + (dx * nb) / k;
      my[g] = my[g]! + (dy * nb) / k;
      c2[g] = c2[g]! + sc2![i]! + dx * dy * w;
      m2x[g] = m2x[g]! + s2x![i]! + dx * dx * w;
      m2y[g] = m2y[g]! + s2y![i]! + dy * dy * w;
      cnt[g] = k;
    }
  }

  states(numGroups: number): ColumnVector[] {
    return stateVectors(this.c.grow(numGroups), numGroups);
  }

  finish(numGroups: number): ColumnVector {
    const [cnt, , , c2, m2x, m2y] = this.c.grow(numGroups) as [Float64Array, Float64Array, Float64Array, Float64Array, Float64Array, Float64Array];
    const fn = this.spec.fn;
    return derived(numGroups, (g) => {
      const k = cnt[g]!;
      if (k === 0) return null;
      if (fn === 'covar_pop') return c2[g]! / k;
      if (fn === 'covar_samp') return k < 2 ? null : c2[g]! / (k - 1);
      return c2[g]! / Math.sqrt(m2x[g]! * m2y[g]!);
    });
  }

  bytes(): number {
    return this.c.bytes();
  }
}
