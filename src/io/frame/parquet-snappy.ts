import { snappyUncompress } from 'hyparquet';
import { snappyUncompressor } from 'hysnappy';

/** Pages up to this size go through WebAssembly (its memory grows to the largest page and stays). */
const WASM_MAX_PAGE = 16 << 20;

let wasm: ((input: Uint8Array, outputLength: number) => Uint8Array) | null | undefined;

/**
 * Decompresses one Snappy page of `outputLength` bytes: in WebAssembly (hysnappy, about twice as
 * fast as hyparquet's JavaScript decoder on the h2o pages, byte for byte the same output), or in
 * JavaScript for very large pages or where WebAssembly cannot start. The length the page declares
 * must be the one its Parquet header gives (the WebAssembly decoder writes into a buffer of that size).
 */
export function snappyPage(input: Uint8Array, outputLength: number): Uint8Array {
  const declared = declaredLength(input);
  if (declared !== outputLength) throw new Error(`Snappy page declares ${declared} bytes, its page header ${outputLength}`);
  if (wasm === undefined) {
    try {
      wasm = snappyUncompressor();
    } catch {
      wasm = null;
    }
  }
  if (wasm && outputLength <= WASM_MAX_PAGE) return wasm(input, outputLength);
  const out = new Uint8Array(outputLength);
  snappyUncompress(input, out);
  return out;
}

/** The uncompressed length a Snappy block starts with (a little-endian base-128 varint), or -1. */
function declaredLength(input: Uint8Array): number {
  let n = 0;
  for (let i = 0, shift = 0; i < 5 && i < input.length; i++, shift += 7) {
    const b = input[i]!;
    n += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return n;
  }
  return -1;
}
