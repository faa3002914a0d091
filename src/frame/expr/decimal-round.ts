/**
 * Rounding as Spark does it: on the decimal the double prints as (Scala's
 * BigDecimal(d)), so round(1.005, 2) is 1.01 although the double 1.005 lies
 * just below it. HALF_UP (ties away from zero) for round, HALF_EVEN for bround.
 */
export function roundDecimal(x: number, digits: number, halfEven: boolean): number {
  if (!Number.isFinite(x)) return x;
  if (x === 0) return 0;
  // |x| = 0.D × 10^E with D the shortest digits that print x.
  const [mantissa, exp] = Math.abs(x).toExponential().split('e') as [string, string];
  const d = mantissa.replace('.', '');
  const e = Number(exp) + 1;
  const keep = e + digits; // how many digits of D survive
  if (keep >= d.length) return x;
  if (keep < 0) return 0;
  const kept = d.slice(0, keep) || '0';
  const next = d.charCodeAt(keep) - 48;
  const tie = next === 5 && /^0*$/.test(d.slice(keep + 1));
  const up = next > 5 || (next === 5 && (!tie || !halfEven || (kept.charCodeAt(kept.length - 1) - 48) % 2 === 1));
  const digitsOut = up ? (BigInt(kept) + 1n).toString() : kept;
  const r = Number(`${digitsOut}e${e - keep}`);
  return r === 0 ? 0 : x < 0 ? -r : r;
}
