/**
 * int64 columns hold numbers (Float64Array) in memory and 64-bit integers on the
 * wire. Converting through two 32-bit words avoids creating one BigInt per row,
 * which costs ~10x more. Exact for |x| <= 2^53.
 */

const TWO32 = 4294967296;
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The 64-bit integers of `src` (truncated toward zero; NaN and null rows give 0). */
export function numbersToBigInt64(src: Float64Array | Int32Array): BigInt64Array {
  const n = src.length;
  const out = new BigInt64Array(n);
  if (!LITTLE_ENDIAN) {
    for (let i = 0; i < n; i++) out[i] = BigInt(Math.trunc(src[i]!) || 0);
    return out;
  }
  const words = new Int32Array(out.buffer, out.byteOffset, n * 2);
  for (let i = 0; i < n; i++) {
    const v = src[i]!;
    if ((v | 0) === v) {
      // Integers in int32 range (most ids and counts): the high word is the sign.
      words[2 * i] = v;
      words[2 * i + 1] = v >> 31;
      continue;
    }
    const x = Math.trunc(v) || 0;
    const hi = Math.floor(x / TWO32);
    words[2 * i] = (x - hi * TWO32) | 0;
    words[2 * i + 1] = hi | 0;
  }
  return out;
}

/** The numbers of 64-bit integers (signed, or unsigned when `unsigned`), times `mul` divided by `div` (unit changes). */
export function bigInt64ToNumbers(src: BigInt64Array | BigUint64Array, unsigned = false, mul = 1, div = 1): Float64Array {
  const n = src.length;
  const out = new Float64Array(n);
  if (!LITTLE_ENDIAN || (src.byteOffset & 3) !== 0) {
    for (let i = 0; i < n; i++) out[i] = (Number(src[i]!) * mul) / div;
    return out;
  }
  const words = new Int32Array(src.buffer, src.byteOffset, n * 2);
  if (unsigned) for (let i = 0; i < n; i++) out[i] = (words[2 * i + 1]! >>> 0) * TWO32 + (words[2 * i]! >>> 0);
  else for (let i = 0; i < n; i++) out[i] = words[2 * i + 1]! * TWO32 + (words[2 * i]! >>> 0);
  if (mul !== 1 || div !== 1) for (let i = 0; i < n; i++) out[i] = (out[i]! * mul) / div;
  return out;
}
