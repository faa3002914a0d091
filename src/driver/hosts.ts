import { statfsSync } from 'node:fs';
import { hostname, networkInterfaces } from 'node:os';
import type { PlanNode } from '../plan/node.js';
import { physChildren, type PhysOp } from '../frame/physical/ops.js';
import { unitPath, type ScanUnit } from '../io/frame/scan-units.js';

/**
 * Hosts for locality: which machine a worker runs on and which holds a task's input file,
 * named alike so the scheduler can match them. This machine is its hostname whether a worker
 * announced a loopback or interface address or nothing (threads).
 */

let localAddresses: Set<string> | undefined;

/** The host name the scheduler knows a worker by. */
export function workerHost(announced: string | undefined): string {
  if (announced === undefined || announced === 'localhost' || announced === hostname()) return hostname();
  localAddresses ??= new Set(Object.values(networkInterfaces()).flatMap((list) => (list ?? []).map((i) => i.address)));
  const bare = announced.replace(/^\[(.*)\]$/, '$1').replace(/^::ffff:/, '');
  return bare.startsWith('127.') || bare === '::1' || bare === '0.0.0.0' || localAddresses.has(bare) ? hostname() : announced;
}

/**
 * statfs magic numbers of network and cluster filesystems (NFS, SMB/CIFS, Lustre, GPFS, BeeGFS,
 * CephFS, GlusterFS via FUSE): a file there is as near to every host, so it prefers none.
 */
const SHARED_FS = new Set([0x6969, 0xff534d42, 0xfe534d42, 0x517b, 0x0bd00bd0, 0x47504653, 0x19830326, 0x00c36400, 0x65735546]);

const hostOfDir = new Map<string, string | undefined>();

/** The host holding `path`: this machine for a local disk, none for a shared filesystem (or one that cannot be asked). */
export function fileHost(path: string): string | undefined {
  const dir = path.slice(0, path.lastIndexOf('/') + 1) || path;
  if (hostOfDir.has(dir)) return hostOfDir.get(dir);
  let host: string | undefined;
  try {
    host = SHARED_FS.has(Number(statfsSync(path).type)) ? undefined : hostname();
  } catch {
    host = undefined;
  }
  hostOfDir.set(dir, host);
  return host;
}

/**
 * Per partition of a stage, the hosts of the files it reads: found on a text or JSON-lines
 * source reached through narrow one-to-one operators, or on the file scans of a DataFrame
 * stage (not through a union). Undefined when the stage reads no file or none has a host.
 */
export function stageInputHosts(root: PlanNode): Array<string[] | undefined> | undefined {
  let n: PlanNode | undefined = root;
  while (n && n.numPartitions === root.numPartitions) {
    const c = n.compute;
    if (c.kind === 'textFile' || c.kind === 'jsonLines') return hostsOf(c.splits.map((s) => [s.path]));
    if (c.kind === 'frame') return frameScanHosts(c.root as PhysOp, root.numPartitions);
    if (c.kind === 'union' || c.kind === 'coalesce' || n.deps.length !== 1 || n.deps[0]!.type !== 'narrow') return undefined;
    n = n.deps[0]!.node;
  }
  return undefined;
}

/** The file scans in a frame stage's operator tree whose partition p is task p's (a union maps partitions otherwise). */
function frameScanHosts(root: PhysOp, numPartitions: number): Array<string[] | undefined> | undefined {
  const files: string[][] = Array.from({ length: numPartitions }, () => []);
  for (const stack = [root]; stack.length > 0; ) {
    const op = stack.pop()!;
    if (op.op === 'union') continue;
    if (op.op === 'scan' && op.scan.kind === 'files' && op.scan.partitions.length === numPartitions) {
      op.scan.partitions.forEach((units, p) => files[p]!.push(...(units as ScanUnit[]).map(unitPath)));
    }
    stack.push(...physChildren(op));
  }
  return hostsOf(files);
}

/** Each partition's hosts from the paths it reads; undefined when no path has one. */
function hostsOf(paths: string[][]): Array<string[] | undefined> | undefined {
  const hosts = paths.map((ps) => {
    const hs = [...new Set(ps.map(fileHost).filter((h) => h !== undefined))];
    return hs.length > 0 ? hs : undefined;
  });
  return hosts.some((h) => h !== undefined) ? hosts : undefined;
}
