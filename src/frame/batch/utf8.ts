import * as arrow from 'apache-arrow';

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The bytes of `picks` of a known source, gathered into a new Utf8 vector. */
export function gatherUtf8(source: arrow.Vector<arrow.Utf8>, picks: Int32Array): arrow.Vector<arrow.Utf8> {
  const d = source.data[0]!;
  const from = d.valueOffsets as Int32Array;
  const bytes = d.values as Uint8Array;
  const n = picks.length;
  const offsets = new Int32Array(n + 1);
  let total = 0;
  for (let k = 0; k < n; k++) offsets[k + 1] = total += from[picks[k]! + 1]! - from[picks[k]!]!;
  const data = new Uint8Array(total);
  for (let k = 0; k < n; k++) {
    const a = from[picks[k]!]!;
    const len = offsets[k + 1]! - offsets[k]!;
    const at = offsets[k]!;
    // Short strings (the usual dictionary entry) copy faster byte by byte than through set().
    if (len <= 32) for (let j = 0; j < len; j++) data[at + j] = bytes[a + j]!;
    else data.set(bytes.subarray(a, a + len), at);
  }
  return arrow.makeVector(arrow.makeData({ type: new arrow.Utf8(), length: n, nullCount: 0, valueOffsets: offsets, data }));
}

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
