import type { AggCall } from '../../../src/frame/physical/ops.js';

/**
 * Naive aggregates over plain JS values, as a reference for the vectorized
 * ones: `xs` are the argument values of one group's rows in input order (nulls included),
 * `ys` the second argument's (covar/corr).
 */
export function referenceAgg(a: AggCall, xs: unknown[], ys: unknown[] = []): unknown {
  const nn = xs.filter((x) => x !== null) as (number | string)[];
  const nums = nn as number[];
  const distinct = [...new Set(nn)];
  const sum = (v: number[]) => v.reduce((s, x) => s + x, 0);
  if (a.distinct) {
    if (a.fn === 'count') return distinct.length;
    if (distinct.length === 0) return null;
    return a.fn === 'sum' ? sum(distinct as number[]) : sum(distinct as number[]) / distinct.length;
  }
  switch (a.fn) {
    case 'count_star':
      return xs.length;
    case 'count':
      return nn.length;
    case 'count_distinct':
    case 'approx_count_distinct':
      return distinct.length;
    case 'sum':
      return nn.length === 0 ? null : sum(nums);
    case 'avg':
      return nn.length === 0 ? null : sum(nums) / nn.length;
    case 'min':
    case 'max': {
      if (nn.length === 0) return null;
      const sorted = [...nn].sort(compare);
      return a.fn === 'min' ? sorted[0] : sorted[sorted.length - 1];
    }
    case 'first':
      return nn[0] ?? null;
    case 'last':
      return nn[nn.length - 1] ?? null;
    case 'collect_list':
      return nn.length === 0 ? null : nn;
    case 'top_k':
      return nn.length === 0 ? null : [...nn].sort(compare).reverse().slice(0, a.params[0]);
    case 'median':
    case 'percentile':
    case 'approx_percentile':
      return quantile(nums, a.fn === 'median' ? 0.5 : a.params[0]!);
    case 'var_samp':
    case 'var_pop':
    case 'stddev_samp':
    case 'stddev_pop': {
      const samp = a.fn.endsWith('samp');
      if (nn.length === 0 || (samp && nn.length < 2)) return null;
      const m = sum(nums) / nums.length;
      const v = sum(nums.map((x) => (x - m) ** 2)) / (samp ? nums.length - 1 : nums.length);
      return a.fn.startsWith('stddev') ? Math.sqrt(v) : v;
    }
    case 'covar_samp':
    case 'covar_pop':
    case 'corr': {
      const pairs: [number, number][] = [];
      xs.forEach((x, i) => {
        if (x !== null && ys[i] !== null) pairs.push([x as number, ys[i] as number]);
      });
      const n = pairs.length;
      if (n === 0 || (a.fn === 'covar_samp' && n < 2)) return null;
      const mx = sum(pairs.map((p) => p[0])) / n;
      const my = sum(pairs.map((p) => p[1])) / n;
      const c = sum(pairs.map(([x, y]) => (x - mx) * (y - my)));
      if (a.fn === 'covar_pop') return c / n;
      if (a.fn === 'covar_samp') return c / (n - 1);
      const vx = sum(pairs.map(([x]) => (x - mx) ** 2));
      const vy = sum(pairs.map(([, y]) => (y - my) ** 2));
      return c / Math.sqrt(vx * vy);
    }
  }
}

/** quantile_cont: linear interpolation between the two nearest ranks. */
export function quantile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((x, y) => x - y);
  const pos = p * (s.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
}

function compare(x: number | string, y: number | string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Deep comparison with a relative tolerance for numbers; returns a description of the first difference, or null. */
export function diff(actual: unknown, expected: unknown, tol = 1e-9): string | null {
  if (typeof actual === 'number' && typeof expected === 'number') {
    if (Number.isNaN(actual) && Number.isNaN(expected)) return null;
    return Math.abs(actual - expected) <= tol * Math.max(1, Math.abs(expected)) ? null : `${actual} != ${expected}`;
  }
  if (Array.isArray(actual) && Array.isArray(expected)) {
    if (actual.length !== expected.length) return `length ${actual.length} != ${expected.length}`;
    for (let i = 0; i < actual.length; i++) {
      const d = diff(actual[i], expected[i], tol);
      if (d) return `[${i}]: ${d}`;
    }
    return null;
  }
  return Object.is(actual, expected) || JSON.stringify(actual) === JSON.stringify(expected) ? null : `${JSON.stringify(actual)} != ${JSON.stringify(expected)}`;
}
