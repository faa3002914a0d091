import { dictHandle, Utf8Dict, type DictHandle } from './utf8-dict.js';
import type { ColumnBatch, ColumnVector } from './vector.js';

/** Bytes assumed per JS object or array header, per string header and per array slot. */
const OBJECT_BYTES = 32;
const STRING_BYTES = 24;
const SLOT_BYTES = 8;
/** List rows sampled to estimate a list column's size. */
const LIST_SAMPLE = 64;

/**
 * An estimate of the memory `batch` holds (for memory budgets and spill
 * decisions): typed arrays' byteLength, dictionary strings (2 bytes per code
 * unit plus a header each) and list objects (estimated from a sample of rows).
 * A dictionary shared by several batches is counted in each.
 */
export function batchBytes(batch: ColumnBatch): number {
  let total = 0;
  for (const v of batch.columns) total += vectorBytes(v);
  return total;
}

/**
 * The memory estimate of batches held together, counting each dictionary once
 * however many of them share it (the batches of one IPC stream, slices of one
 * table): an operator that holds many such batches would otherwise count a
 * large dictionary once per batch and spill for no reason.
 */
export class HeldBytes {
  total = 0;
  private dicts = new WeakSet<DictHandle>();

  /** Adds `batch`; returns the bytes it added. */
  add(batch: ColumnBatch): number {
    let bytes = 0;
    for (const v of batch.columns) bytes += vectorBytes(v, this.dicts);
    this.total += bytes;
    return bytes;
  }

  /** Forgets every batch (they were released). */
  clear(): void {
    this.total = 0;
    this.dicts = new WeakSet();
  }
}

/** The memory estimate of one vector (see batchBytes); with `counted`, a dictionary in it adds nothing (and is added to it otherwise). */
export function vectorBytes(v: ColumnVector, counted?: WeakSet<DictHandle>): number {
  let total = v.validity ? v.validity.byteLength : 0;
  if (v.values) total += v.values.byteLength;
  if (v.type === 'string') {
    const h = dictHandle(v);
    if (!counted?.has(h)) {
      total += h instanceof Utf8Dict ? utf8DictBytes(h) : dictBytes(h);
      counted?.add(h);
    }
  }
  if (v.objects) total += listBytes(v.objects);
  return total;
}

const dictCache = new WeakMap<readonly string[], { length: number; bytes: number }>();

/** A dictionary still in UTF-8 holds its bytes, and its strings once something decoded them. */
function utf8DictBytes(d: Utf8Dict): number {
  const strings = d.decodedStrings;
  return d.byteLength + (strings ? dictBytes(strings) : 0);
}

function dictBytes(dict: readonly string[]): number {
  const hit = dictCache.get(dict);
  if (hit && hit.length === dict.length) return hit.bytes;
  let bytes = dict.length * SLOT_BYTES;
  for (const s of dict) bytes += STRING_BYTES + 2 * s.length;
  dictCache.set(dict, { length: dict.length, bytes });
  return bytes;
}

function listBytes(objects: readonly (unknown[] | null)[]): number {
  const n = objects.length;
  if (n === 0) return 0;
  const step = Math.max(1, Math.floor(n / LIST_SAMPLE));
  let sampled = 0;
  let bytes = 0;
  for (let i = 0; i < n; i += step) {
    bytes += valueBytes(objects[i]);
    sampled++;
  }
  return n * SLOT_BYTES + Math.round((bytes / sampled) * n);
}

function valueBytes(x: unknown): number {
  if (x === null || x === undefined) return 0;
  if (typeof x === 'string') return STRING_BYTES + 2 * x.length;
  if (Array.isArray(x)) {
    let b = OBJECT_BYTES + x.length * SLOT_BYTES;
    for (const e of x) b += valueBytes(e);
    return b;
  }
  if (typeof x === 'object') return OBJECT_BYTES;
  return 0;
}
