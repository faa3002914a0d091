import * as arrow from 'apache-arrow';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * A Utf8 Arrow vector of `strings`, built in one pass: the strings are joined
 * and encoded once; for ASCII text the byte offsets are the string offsets.
 * (Arrow's generic builder encodes string by string, which dominated shuffles
 * of dictionary columns.)
 */
export function utf8Vector(strings: readonly string[]): arrow.Vector<arrow.Utf8> {
  const n = strings.length;
  const joined = strings.join('');
  const data = encoder.encode(joined);
  const offsets = new Int32Array(n + 1);
  if (data.length === joined.length) {
    let o = 0;
    for (let i = 0; i < n; i++) offsets[i + 1] = o += strings[i]!.length;
  } else {
    let o = 0;
    for (let i = 0; i < n; i++) offsets[i + 1] = o += Buffer.byteLength(strings[i]!, 'utf8');
  }
  return arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data }));
}

/**
 * The strings of a Utf8 buffer region, decoded once; for ASCII text (as many
 * bytes as characters) each string is a slice of the decoded whole.
 */
export function utf8Strings(data: Uint8Array, offsets: Int32Array, n: number): string[] | null {
  const start = offsets[0]!;
  const end = offsets[n]!;
  const text = decoder.decode(data.subarray(start, end));
  if (text.length !== end - start) return null;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = text.slice(offsets[i]! - start, offsets[i + 1]! - start);
  return out;
}
