import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { BlockRegion, LocalRegion } from '../../src/exec/block-ref.js';
import type { TaskPayload } from '../../src/exec/task.js';
import { localizeInputs, unreadableMaps } from '../../src/exec/task-regions.js';
import { FetchFailedError } from '../../src/exec/user-function-error.js';
import { FetchError, type WorkerServices } from '../../src/exec/worker-services.js';

/** A reduce task's payload reading `maps` map outputs of shuffle 1, map m held by owners[m]. */
function payload(owners: string[]): TaskPayload {
  const pieces = owners.map((worker, map) => ({ blockId: `b${map}`, worker, start: 0, end: 10, map }));
  return { shuffleInputs: { '1:0': { pieces } }, cachedBlocks: {}, broadcasts: {}, node: { id: 0, op: 'shuffle read', deps: [], compute: { kind: 'shuffleRead' } } } as unknown as TaskPayload;
}

/** A fetcher for which every block of `dead` cannot be fetched (the first one it meets throws, as workers' fetchers do). */
function services(dead: string): WorkerServices {
  return {
    fetcher: {
      localize: async (regions: readonly BlockRegion[]): Promise<LocalRegion[]> =>
        regions.map((r) => {
          if (r.worker === dead) throw new FetchError(r, 'connection refused');
          return { kind: 'bytes', chunks: [new Uint8Array(r.end - r.start)] };
        }),
    },
  } as unknown as WorkerServices;
}

test('a fetch that stops at a lost worker blames that worker\'s map outputs only, not the ones never tried', async () => {
  // Seeded layouts: maps spread over three workers, one of them dead.
  let seed = 7;
  const rand = (n: number) => ((seed = (seed * 1103515245 + 12345) % 2 ** 31), seed % n);
  for (let trial = 0; trial < 50; trial++) {
    const owners = Array.from({ length: 1 + rand(12) }, () => ['w1', 'w2', 'w3'][rand(3)]!);
    const dead = owners[rand(owners.length)]!;
    const p = payload(owners);
    const err = await localizeInputs(p, services(dead)).then(
      () => assert.fail('localize should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof FetchFailedError);
    assert.equal(err.owner, dead);
    const expected = owners.flatMap((w, m) => (w === dead ? [m] : []));
    assert.deepEqual(unreadableMaps(p, undefined, 1, err.owner), expected, `owners ${owners.join(',')}, dead ${dead}`);
    // Without an owner nothing was read: every map output is suspect (the old, conservative answer).
    assert.deepEqual(unreadableMaps(p, undefined, 1), owners.map((_, m) => m));
  }
});
