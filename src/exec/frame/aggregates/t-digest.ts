/**
 * A merging t-digest (Dunning & Ertl) for approximate quantiles: centroids
 * (mean, weight) kept sorted by mean, small at the tails and larger in the
 * middle (scale function k1, compression δ = 100). Values are buffered and
 * merged in by a sort-and-sweep; two digests merge by the same sweep, so the
 * sketch is mergeable across partitions.
 *
 * Error: with δ = 100 the rank error of a quantile is typically below 1% in
 * the middle of the distribution and far smaller at the tails; with fewer
 * values than about δ/2 every value stays its own centroid and the result is
 * exact (continuous interpolation, as quantile_cont).
 */
export class TDigest {
  means: number[] = [];
  weights: number[] = [];
  private buffer: number[] = [];
  private total = 0;

  constructor(private readonly compression = 100) {}

  /** Numbers held (centroids count twice), for memory estimates. */
  get held(): number {
    return this.means.length * 2 + this.buffer.length;
  }

  add(x: number): void {
    this.buffer.push(x);
    if (this.buffer.length >= this.compression * 5) this.compress();
  }

  /** Adds another digest's centroids (given as [mean, weight, mean, weight...]). */
  addCentroids(flat: readonly number[]): void {
    for (let i = 0; i + 1 < flat.length; i += 2) {
      this.means.push(flat[i]!);
      this.weights.push(flat[i + 1]!);
    }
    this.compress(true);
  }

  /** The centroids flattened as [mean, weight, mean, weight...] (after merging the buffer). */
  toFlat(): number[] {
    this.compress();
    const out = new Array<number>(this.means.length * 2);
    for (let i = 0; i < this.means.length; i++) {
      out[2 * i] = this.means[i]!;
      out[2 * i + 1] = this.weights[i]!;
    }
    return out;
  }

  /** The q-quantile (0 ≤ q ≤ 1), interpolating between centroid centres; null when empty. */
  quantile(q: number): number | null {
    this.compress();
    const n = this.means.length;
    if (n === 0) return null;
    // Centroid i sits at rank (weight before it) + (w_i - 1) / 2 in 0-based rank space.
    const target = q * (this.total - 1);
    let before = 0;
    let prevCentre = -Infinity;
    let prevMean = this.means[0]!;
    for (let i = 0; i < n; i++) {
      const w = this.weights[i]!;
      const centre = before + (w - 1) / 2;
      const m = this.means[i]!;
      if (target <= centre) {
        if (i === 0) return m;
        return prevMean + ((m - prevMean) * (target - prevCentre)) / (centre - prevCentre);
      }
      prevCentre = centre;
      prevMean = m;
      before += w;
    }
    return this.means[n - 1]!;
  }

  /** Merges the buffer (and, when `force`, unsorted centroids) into sorted, size-limited centroids. */
  private compress(force = false): void {
    if (this.buffer.length === 0 && !force) return;
    const idx: number[] = [];
    const ms = this.means.concat(this.buffer);
    const ws = this.weights.concat(new Array<number>(this.buffer.length).fill(1));
    this.buffer = [];
    for (let i = 0; i < ms.length; i++) idx.push(i);
    idx.sort((a, b) => ms[a]! - ms[b]!);
    let total = 0;
    for (const w of ws) total += w;
    this.total = total;
    const means: number[] = [];
    const weights: number[] = [];
    const d = this.compression;
    const k = (q: number) => (d / (2 * Math.PI)) * Math.asin(2 * q - 1);
    const kInv = (x: number) => (Math.sin((2 * Math.PI * x) / d) + 1) / 2;
    let qLeft = 0;
    let qLimit = kInv(k(qLeft) + 1);
    let m = ms[idx[0]!]!;
    let w = ws[idx[0]!]!;
    for (let j = 1; j < idx.length; j++) {
      const mj = ms[idx[j]!]!;
      const wj = ws[idx[j]!]!;
      if (qLeft + (w + wj) / total <= qLimit) {
        w += wj;
        m += ((mj - m) * wj) / w;
        continue;
      }
      means.push(m);
      weights.push(w);
      qLeft += w / total;
      qLimit = kInv(Math.min(k(qLeft) + 1, d / 4));
      m = mj;
      w = wj;
    }
    if (idx.length > 0) {
      means.push(m);
      weights.push(w);
    }
    this.means = means;
    this.weights = weights;
  }
}
