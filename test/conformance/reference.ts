/**
 * A naive in-memory reference for the Dataset API: plain-array implementations
 * of every operator and action, used by the conformance suites to check what
 * each backend computes. Keys are compared by value (as the engine does), with
 * `keyId` and `compareKeys` from serde/keys.
 */
import { compareKeys, hashKey, keyId, type KeyId } from '../../src/serde/keys.js';

export type KV<K, V> = readonly [K, V];

// ---------------------------------------------------------------- canonical forms

/** A sorted copy (by value, compareKeys order): compares collections as multisets. */
export function canon<T>(xs: readonly T[]): T[] {
  return [...xs].sort(compareKeys);
}

/** groupByKey-like output with each group's values sorted, then the pairs sorted: order-free form. */
export function canonGroups<K, V>(groups: ReadonlyArray<KV<K, readonly V[]>>): Array<[K, V[]]> {
  return canon(groups.map(([k, vs]) => [k, canon(vs)] as [K, V[]]));
}

/** cogroup-like output with both value lists sorted, then the pairs sorted. */
export function canonCogroups<K, V, W>(groups: ReadonlyArray<KV<K, readonly [readonly V[], readonly W[]]>>): Array<[K, [V[], W[]]]> {
  return canon(groups.map(([k, [vs, ws]]) => [k, [canon(vs), canon(ws)]] as [K, [V[], W[]]]));
}

/** Map entries as a sorted array of pairs. */
export function canonMap<K, V>(m: ReadonlyMap<K, V>): Array<[K, V]> {
  return canon([...m]);
}

// ---------------------------------------------------------------- partitions

/** The partitions `parallelize(data, n)` makes: contiguous slices of near-equal size. */
export function slices<T>(data: readonly T[], n: number): T[][] {
  return Array.from({ length: n }, (_, p) => data.slice(Math.floor((p * data.length) / n), Math.floor(((p + 1) * data.length) / n)));
}

/** What coalesce(n) (without shuffle) makes of partitions: contiguous runs of neighbours. */
export function coalesce<T>(parts: readonly T[][], n: number): T[][] {
  const m = Math.min(n, parts.length);
  const out: T[][] = Array.from({ length: m }, () => []);
  parts.forEach((p, i) => out[Math.floor((i * m) / parts.length)]!.push(...p));
  return out;
}

/** The partition HashPartitioner(n) assigns to a key. */
export function hashPartition(key: unknown, n: number): number {
  return n === 1 ? 0 : hashKey(key) % n;
}

// ---------------------------------------------------------------- narrow operators

export const map = <T, U>(xs: readonly T[], f: (x: T) => U): U[] => xs.map((x) => f(x));
export const filter = <T>(xs: readonly T[], f: (x: T) => unknown): T[] => xs.filter((x) => f(x));
export const flatMap = <T, U>(xs: readonly T[], f: (x: T) => Iterable<U>): U[] => xs.flatMap((x) => [...f(x)]);
export const keyBy = <T, K>(xs: readonly T[], f: (x: T) => K): Array<[K, T]> => xs.map((x) => [f(x), x]);
export const mapValues = <K, V, U>(xs: ReadonlyArray<KV<K, V>>, f: (v: V) => U): Array<[K, U]> => xs.map(([k, v]) => [k, f(v)]);
export const flatMapValues = <K, V, U>(xs: ReadonlyArray<KV<K, V>>, f: (v: V) => Iterable<U>): Array<[K, U]> =>
  xs.flatMap(([k, v]) => [...f(v)].map((u) => [k, u] as [K, U]));
export const keys = <K, V>(xs: ReadonlyArray<KV<K, V>>): K[] => xs.map(([k]) => k);
export const values = <K, V>(xs: ReadonlyArray<KV<K, V>>): V[] => xs.map(([, v]) => v);
export const union = <T>(...xss: ReadonlyArray<readonly T[]>): T[] => xss.flat() as T[];
export const zipWithIndex = <T>(xs: readonly T[]): Array<[T, number]> => xs.map((x, i) => [x, i]);

export function mapPartitions<T, U>(parts: readonly T[][], f: (it: IterableIterator<T>) => Iterable<U>): U[] {
  return parts.flatMap((p) => [...f(p[Symbol.iterator]())]);
}

export function mapPartitionsWithIndex<T, U>(parts: readonly T[][], f: (i: number, it: IterableIterator<T>) => Iterable<U>): U[] {
  return parts.flatMap((p, i) => [...f(i, p[Symbol.iterator]())]);
}

// ---------------------------------------------------------------- keyed operators

/** Groups pairs by key value, keeping the first-seen key object and values in input order. */
export function groupMap<K, V>(pairs: ReadonlyArray<KV<K, V>>): Map<KeyId, { key: K; values: V[] }> {
  const m = new Map<KeyId, { key: K; values: V[] }>();
  for (const [k, v] of pairs) {
    const id = keyId(k);
    let g = m.get(id);
    if (!g) m.set(id, (g = { key: k, values: [] }));
    g.values.push(v);
  }
  return m;
}

export function groupByKey<K, V>(pairs: ReadonlyArray<KV<K, V>>): Array<[K, V[]]> {
  return [...groupMap(pairs).values()].map((g) => [g.key, g.values]);
}

export function combineByKey<K, V, C>(pairs: ReadonlyArray<KV<K, V>>, create: (v: V) => C, mergeValue: (c: C, v: V) => C): Array<[K, C]> {
  return [...groupMap(pairs).values()].map((g) => {
    let c = create(g.values[0]!);
    for (const v of g.values.slice(1)) c = mergeValue(c, v);
    return [g.key, c];
  });
}

export function reduceByKey<K, V>(pairs: ReadonlyArray<KV<K, V>>, f: (a: V, b: V) => V): Array<[K, V]> {
  return combineByKey(pairs, (v) => v, f);
}

export function foldByKey<K, V>(pairs: ReadonlyArray<KV<K, V>>, zero: V, f: (a: V, b: V) => V): Array<[K, V]> {
  return [...groupMap(pairs).values()].map((g) => [g.key, g.values.reduce(f, zero)]);
}

export function aggregateByKey<K, V, U>(pairs: ReadonlyArray<KV<K, V>>, zero: U, seqOp: (acc: U, v: V) => U): Array<[K, U]> {
  return [...groupMap(pairs).values()].map((g) => [g.key, g.values.reduce(seqOp, structuredClone(zero))]);
}

export function cogroup<K, V, W>(left: ReadonlyArray<KV<K, V>>, right: ReadonlyArray<KV<K, W>>): Array<[K, [V[], W[]]]> {
  const m = new Map<KeyId, { key: K; vs: V[]; ws: W[] }>();
  const get = (k: K) => {
    const id = keyId(k);
    let g = m.get(id);
    if (!g) m.set(id, (g = { key: k, vs: [], ws: [] }));
    return g;
  };
  for (const [k, v] of left) get(k).vs.push(v);
  for (const [k, w] of right) get(k).ws.push(w);
  return [...m.values()].map((g) => [g.key, [g.vs, g.ws]]);
}

type How = 'inner' | 'left' | 'right' | 'full';

function joinHow<K, V, W>(left: ReadonlyArray<KV<K, V>>, right: ReadonlyArray<KV<K, W>>, how: How): Array<[K, [V | undefined, W | undefined]]> {
  const out: Array<[K, [V | undefined, W | undefined]]> = [];
  for (const [k, [vs, ws]] of cogroup(left, right)) {
    const lv: Array<V | undefined> = vs.length || !(how === 'right' || how === 'full') ? vs : [undefined];
    const rw: Array<W | undefined> = ws.length || !(how === 'left' || how === 'full') ? ws : [undefined];
    for (const v of lv) for (const w of rw) out.push([k, [v, w]]);
  }
  return out;
}

export const join = <K, V, W>(l: ReadonlyArray<KV<K, V>>, r: ReadonlyArray<KV<K, W>>) => joinHow(l, r, 'inner') as Array<[K, [V, W]]>;
export const leftOuterJoin = <K, V, W>(l: ReadonlyArray<KV<K, V>>, r: ReadonlyArray<KV<K, W>>) => joinHow(l, r, 'left') as Array<[K, [V, W | undefined]]>;
export const rightOuterJoin = <K, V, W>(l: ReadonlyArray<KV<K, V>>, r: ReadonlyArray<KV<K, W>>) => joinHow(l, r, 'right') as Array<[K, [V | undefined, W]]>;
export const fullOuterJoin = <K, V, W>(l: ReadonlyArray<KV<K, V>>, r: ReadonlyArray<KV<K, W>>) => joinHow(l, r, 'full');

/** Distinct by value (first occurrence kept). */
export function distinct<T>(xs: readonly T[]): T[] {
  const seen = new Set<KeyId>();
  const out: T[] = [];
  for (const x of xs) {
    const id = keyId(x);
    if (!seen.has(id)) {
      seen.add(id);
      out.push(x);
    }
  }
  return out;
}

/** Stable sort by key (the engine's order among equal keys is unspecified: compare keys and multisets). */
export function sortBy<T, K>(xs: readonly T[], f: (x: T) => K, ascending = true): T[] {
  const sign = ascending ? 1 : -1;
  return [...xs].sort((a, b) => sign * compareKeys(f(a), f(b)));
}

export const sortByKey = <K, V>(xs: ReadonlyArray<KV<K, V>>, ascending = true): Array<[K, V]> => sortBy(xs, ([k]) => k, ascending) as Array<[K, V]>;

// ---------------------------------------------------------------- actions

export const count = <T>(xs: readonly T[]): number => xs.length;
export const take = <T>(xs: readonly T[], n: number): T[] => xs.slice(0, n);
export function first<T>(xs: readonly T[]): T {
  if (!xs.length) throw new RangeError('first() of an empty dataset');
  return xs[0]!;
}
export const takeOrdered = <T>(xs: readonly T[], n: number, cmp: (a: T, b: T) => number = compareKeys): T[] => [...xs].sort(cmp).slice(0, n);
export const top = <T>(xs: readonly T[], n: number, cmp: (a: T, b: T) => number = compareKeys): T[] => [...xs].sort((a, b) => cmp(b, a)).slice(0, n);
export function reduce<T>(xs: readonly T[], f: (a: T, b: T) => T): T {
  if (!xs.length) throw new RangeError('reduce of an empty dataset');
  return xs.reduce(f);
}
export const fold = <T>(xs: readonly T[], zero: T, f: (a: T, b: T) => T): T => xs.reduce(f, zero);
export const aggregate = <T, U>(xs: readonly T[], zero: U, seqOp: (acc: U, x: T) => U): U => xs.reduce(seqOp, structuredClone(zero));

export function countByKey<K, V>(pairs: ReadonlyArray<KV<K, V>>): Array<[K, number]> {
  return [...groupMap(pairs).values()].map((g) => [g.key, g.values.length]);
}

export const countByValue = <T>(xs: readonly T[]): Array<[T, number]> => countByKey(xs.map((x) => [x, 1] as const));
