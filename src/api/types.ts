/** Values a function may capture through its env: plain data, broadcasts, accumulators, modules, helper functions. */
export type Env = Record<string, unknown>;

/** Widens literal types from `as const` tuples, so `[w, 1] as const` reduces as a number. */
export type Widen<T> = T extends number ? number : T extends string ? string : T extends boolean ? boolean : T extends bigint ? bigint : T;

/** Any pair type, mutable or readonly. */
export type Pair<K, V> = readonly [K, V];

/**
 * Options of an operator whose function may be async. `concurrency`: how many of
 * its calls may be pending at once in one task (default 16); results keep input order.
 *
 * ```ts
 * const pages = await urls.map(async (u) => (await fetch(u)).text(), {}, { concurrency: 4 }).collect();
 * ```
 */
export interface AsyncOptions {
  concurrency?: number;
}

/** What a flatMap-like function may return: an iterable, an async iterable (async generator), or a promise of an iterable. */
export type ManyOrAsync<U> = Iterable<U> | AsyncIterable<U> | Promise<Iterable<U>>;
