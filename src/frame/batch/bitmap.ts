/**
 * Arrow validity bitmaps (bit i of byte i>>3, least significant bit first; 1 = valid).
 * Small helpers shared by the batch utilities so each does not re-derive bit arithmetic.
 */

/** Bytes needed for a bitmap of n rows. */
export function bitmapBytes(n: number): number {
  return (n + 7) >> 3;
}

/** Number of 0 (null) bits among the first n bits starting at bit `offset`. */
export function countNulls(bitmap: Uint8Array, n: number, offset = 0): number {
  let valid = 0;
  if ((offset & 7) === 0) {
    const start = offset >> 3;
    const whole = n >> 3;
    for (let b = 0; b < whole; b++) valid += POPCOUNT[bitmap[start + b]!]!;
    for (let i = whole << 3; i < n; i++) valid += (bitmap[start + (i >> 3)]! >> (i & 7)) & 1;
  } else {
    for (let i = 0; i < n; i++) {
      const k = offset + i;
      valid += (bitmap[k >> 3]! >> (k & 7)) & 1;
    }
  }
  return n - valid;
}

/**
 * Copies n bits starting at bit `offset` of `src` into a new bitmap starting at bit 0.
 * When the offset is byte-aligned this is a byte copy (or a view when `share` is set).
 */
export function sliceBitmap(src: Uint8Array, offset: number, n: number, share = false): Uint8Array {
  const bytes = bitmapBytes(n);
  if ((offset & 7) === 0) {
    const start = offset >> 3;
    return share ? src.subarray(start, start + bytes) : src.slice(start, start + bytes);
  }
  const out = new Uint8Array(bytes);
  const shift = offset & 7;
  let byte = offset >> 3;
  for (let b = 0; b < bytes; b++, byte++) {
    const lo = src[byte]! >> shift;
    const hi = byte + 1 < src.length ? (src[byte + 1]! << (8 - shift)) & 0xff : 0;
    out[b] = lo | hi;
  }
  return out;
}

/** Unpacks n bits (Arrow Bool values) starting at bit `offset` into one byte per row (0/1). */
export function unpackBits(src: Uint8Array, offset: number, n: number): Uint8Array {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const k = offset + i;
    out[i] = (src[k >> 3]! >> (k & 7)) & 1;
  }
  return out;
}

/** Packs one byte per row (non-zero = 1) into bits. */
export function packBits(src: Uint8Array, n: number): Uint8Array {
  const out = new Uint8Array(bitmapBytes(n));
  const whole = n & ~7;
  for (let i = 0; i < whole; i += 8) {
    out[i >> 3] =
      (src[i] ? 1 : 0) |
      (src[i + 1] ? 2 : 0) |
      (src[i + 2] ? 4 : 0) |
      (src[i + 3] ? 8 : 0) |
      (src[i + 4] ? 16 : 0) |
      (src[i + 5] ? 32 : 0) |
      (src[i + 6] ? 64 : 0) |
      (src[i + 7] ? 128 : 0);
  }
  for (let i = whole; i < n; i++) if (src[i]) out[i >> 3]! |= 1 << (i & 7);
  return out;
}

/** A bitmap of n rows with every row valid. */
export function allValid(n: number): Uint8Array {
  const out = new Uint8Array(bitmapBytes(n));
  out.fill(0xff, 0, n >> 3);
  if (n & 7) out[n >> 3] = (1 << (n & 7)) - 1;
  return out;
}

const POPCOUNT = (() => {
  const t = new Uint8Array(256);
  for (let i = 1; i < 256; i++) t[i] = (i & 1) + t[i >> 1]!;
  return t;
})();

/** Copies n bits from `src` (from bit srcOffset, or all valid when src is null) into `dst` at bit dstOffset. */
export function copyBits(dst: Uint8Array, dstOffset: number, src: Uint8Array | null, srcOffset: number, n: number): void {
  if (src !== null && (dstOffset & 7) === 0 && (srcOffset & 7) === 0) {
    const whole = n >> 3;
    dst.set(src.subarray(srcOffset >> 3, (srcOffset >> 3) + whole), dstOffset >> 3);
    for (let i = whole << 3; i < n; i++) copyBit(dst, dstOffset + i, src, srcOffset + i);
    return;
  }
  if (src === null && (dstOffset & 7) === 0) {
    dst.fill(0xff, dstOffset >> 3, (dstOffset >> 3) + (n >> 3));
    for (let i = n & ~7; i < n; i++) dst[(dstOffset + i) >> 3]! |= 1 << ((dstOffset + i) & 7);
    return;
  }
  for (let i = 0; i < n; i++) {
    if (src === null) dst[(dstOffset + i) >> 3]! |= 1 << ((dstOffset + i) & 7);
    else copyBit(dst, dstOffset + i, src, srcOffset + i);
  }
}

function copyBit(dst: Uint8Array, d: number, src: Uint8Array, s: number): void {
  if ((src[s >> 3]! >> (s & 7)) & 1) dst[d >> 3]! |= 1 << (d & 7);
  else dst[d >> 3]! &= ~(1 << (d & 7));
}
