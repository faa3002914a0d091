/**
 * Checks a partition-count argument given by the user (`parallelize(data, n)`,
 * `repartition(n)`, `minPartitions`, …) and returns it: a TypeError when it is
 * not a number, a RangeError when it is not a positive integer, both naming the
 * call and the argument. Without the check, -1 or 2.5 surfaced later as
 * `RangeError: Invalid array length` from deep inside planning.
 *
 * ```ts
 * checkPartitionCount(4, 'parallelize', 'numPartitions'); // 4
 * checkPartitionCount(2.5, 'parallelize', 'numPartitions'); // RangeError: parallelize: numPartitions must be a positive integer, got 2.5
 * ```
 */
export function checkPartitionCount(n: unknown, call: string, argument = 'numPartitions'): number {
  if (typeof n !== 'number') throw new TypeError(`${call}: ${argument} must be a number, got ${describe(n)}`);
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`${call}: ${argument} must be a positive integer, got ${n}`);
  return n;
}

function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === null || v === undefined) return String(v);
  if (typeof v === 'bigint') return `the bigint ${v}n`;
  if (typeof v === 'boolean') return String(v);
  return Array.isArray(v) ? 'an array' : `a ${typeof v}`;
}
