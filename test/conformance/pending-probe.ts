/**
 * A function to pass in env that counts concurrency: each call notes how many
 * calls of its thread are pending while it waits (a few ms) and returns that
 * count. Tasks of a thread run one at a time, so the largest count returned is
 * the most calls one task had pending at once.
 */
export const pendingProbe = async (x: number): Promise<number> => {
  const g = globalThis as { __pendingProbe?: number };
  const now = (g.__pendingProbe = (g.__pendingProbe ?? 0) + 1);
  await new Promise((r) => setTimeout(r, 1 + (x & 3)));
  g.__pendingProbe!--;
  return now;
};
