/** Content order of dictionary entries, shared by sorting and merging. */

/** Strings compare by UTF-16 code units (not locale). */
export function compareStrings(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

const rankCache = new WeakMap<readonly string[], Int32Array>();

/** For each dictionary entry, its rank among the entries in content order (equal strings share a rank). Cached per dictionary. */
export function dictRanks(dict: readonly string[]): Int32Array {
  let ranks = rankCache.get(dict);
  if (ranks !== undefined && ranks.length === dict.length) return ranks;
  const order = Array.from(dict.keys()).sort((a, b) => compareStrings(dict[a]!, dict[b]!));
  ranks = new Int32Array(dict.length);
  let r = 0;
  for (let k = 0; k < order.length; k++) {
    if (k > 0 && dict[order[k]!] !== dict[order[k - 1]!]) r++;
    ranks[order[k]!] = r;
  }
  rankCache.set(dict, ranks);
  return ranks;
}
