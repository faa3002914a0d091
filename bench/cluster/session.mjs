// The sluice session of each system the cluster benchmark compares, opened in the driver's process.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

/** Workers of every system: two, each with one task slot. */
export const WORKERS = 2;

/**
 * `local` = local[2] (threads), `processes` = processes[2] (child processes on loopback),
 * `netns` = a cluster driver listening on CLUSTER_LISTEN that WORKERS `sluice worker`s in other
 * network namespaces join with CLUSTER_SECRET (bench/cluster/launch.mjs starts them).
 */
export async function openSession(root, system) {
  const { Session } = await import(pathToFileURL(path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js')).href);
  if (system === 'local') return Session.local({ master: `local[${WORKERS}]` });
  if (system === 'processes') return Session.local({ master: `processes[${WORKERS}]` });
  if (system === 'netns') return Session.cluster({ listen: process.env.CLUSTER_LISTEN, secret: process.env.CLUSTER_SECRET, minWorkers: WORKERS });
  throw new Error(`unknown system ${system}: local, processes or netns`);
}
