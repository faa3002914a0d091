/**
 * A small seeded PRNG and the sampling primitives the h2o generators need
 * (R's `sample`, `sample.int`, `runif`), so every table is reproducible from a seed.
 */

/** sfc32-style generator seeded through splitmix32: 32-bit state words, period ≥ 2^32, fast. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number) {
    let s = seed >>> 0;
    const next = (): number => {
      s = (s + 0x9e3779b9) | 0;
      let z = s;
      z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
      z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
      return (z ^ (z >>> 16)) >>> 0;
    };
    this.a = next();
    this.b = next();
    this.c = next();
    this.d = next();
    for (let i = 0; i < 12; i++) this.u32();
  }

  /** A uniform 32-bit unsigned integer. */
  u32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** Uniform in [0, 1) with 53 random bits. */
  float(): number {
    return (this.u32() * 2 ** 21 + (this.u32() >>> 11)) / 2 ** 53;
  }

  /** Uniform integer in [0, n), for n well below 2^53. */
  below(n: number): number {
    return Math.floor(this.float() * n);
  }
}

/** R's `sample.int(n)`: a random permutation of 1..n. */
export function permutation(rng: Rng, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = i + 1;
  shuffleInPlace(rng, out);
  return out;
}

/** Fisher–Yates shuffle. */
export function shuffleInPlace(rng: Rng, a: Int32Array): void {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.below(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
}

/** `n` integers uniform in 1..k (R's `sample(k, n, TRUE)`). */
export function sampleInts(rng: Rng, k: number, n: number): Int32Array {
  const out = new Int32Array(n);
  for (let i = 0; i < n; i++) out[i] = rng.below(k) + 1;
  return out;
}

/** `n` floats uniform in [0, max), rounded to `digits` decimals (R's `round(runif(n, max=max), digits)`). */
export function uniformRounded(rng: Rng, n: number, max: number, digits: number): Float64Array {
  const out = new Float64Array(n);
  const scale = 10 ** digits;
  for (let i = 0; i < n; i++) out[i] = Math.round(rng.float() * max * scale) / scale;
  return out;
}

/**
 * db-benchmark's `sample_all(x, size)`: every element of `x` at least once, the rest drawn with
 * replacement, then shuffled.
 */
export function sampleAll(rng: Rng, x: Int32Array, size: number): Int32Array {
  if (x.length > size) throw new Error(`sampleAll: ${x.length} keys do not fit in ${size} rows`);
  const out = new Int32Array(size);
  out.set(x);
  for (let i = x.length; i < size; i++) out[i] = x[rng.below(x.length)];
  shuffleInPlace(rng, out);
  return out;
}

/** Strings `prefix + zero-padded(i)` for i in 1..k at index i-1 (e.g. "id%03d"). */
export function labels(k: number, width: number, prefix = 'id'): string[] {
  const out = new Array<string>(k);
  for (let i = 0; i < k; i++) out[i] = prefix + String(i + 1).padStart(width, '0');
  return out;
}

/** `codes` (1-based) mapped through `labels` into a string column. */
export function pick(codes: Int32Array, table: readonly string[]): string[] {
  const out = new Array<string>(codes.length);
  for (let i = 0; i < codes.length; i++) out[i] = table[codes[i] - 1];
  return out;
}
