/**
 * Dictionaries known to hold each string once.
 *
 * A string column's dictionary may repeat an entry: Arrow allows it, and
 * concatenation appends dictionaries without merging them when merging would
 * cost a string lookup per entry for little gain (shuffled high-cardinality
 * columns). So equal codes mean equal strings, but not the converse. Code that
 * treats codes as identities (group keys) asks here first; producers that build
 * a dictionary through a map of its strings mark it. Marks travel through Arrow
 * IPC as field metadata (see arrow.ts).
 */
const distinct = new WeakSet<readonly string[]>();

/** Marks `dict` as holding each string once (the caller knows it does); returns it. */
export function markDistinct<D extends readonly string[]>(dict: D): D {
  distinct.add(dict);
  return dict;
}

/** Whether `dict` is known to hold each string once (dictionaries of at most one entry always do). */
export function isDistinct(dict: readonly string[]): boolean {
  return dict.length <= 1 || distinct.has(dict);
}
