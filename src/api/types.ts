/** Values a function may capture through its env: plain data, broadcasts, accumulators, modules, helper functions. */
export type Env = Record<string, unknown>;

/** Widens literal types from `as const` tuples, so `[w, 1] as const` reduces as a number. */
export type Widen<T> = T extends number ? number : T extends string ? string : T extends boolean ? boolean : T extends bigint ? bigint : T;

/** Any pair type, mutable or readonly. */
export type Pair<K, V> = readonly [K, V];
