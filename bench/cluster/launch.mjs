// Starts a benchmark driver process for one system: directly for `local` and `processes`; for
// `netns`, inside the driver's network namespace, after starting WORKERS `sluice worker`
// processes in their own namespaces (fresh ones for every driver: a worker ends with its driver,
// and a killed one is not replaced). The namespaces are made on first use and removed at exit.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { createCluster, netnsUnavailable } from './netns.mjs';
import { WORKERS } from './session.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The compiled engine (SLUICE names its index.js, as for every benchmark). */
const engine = path.dirname(path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js'));
let cluster;
let nextPort = 7101;
let scratch;

/** The namespaces (made once), or why they cannot be. */
export function namespaces() {
  if (cluster) return cluster;
  const why = netnsUnavailable();
  if (why) throw new Error(`the netns system needs network namespaces: ${why}`);
  cluster = createCluster(WORKERS);
  scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-cluster-'));
  process.on('exit', () => fs.rmSync(scratch, { recursive: true, force: true }));
  return cluster;
}

/**
 * Runs `node <args>` as the driver of `system`, its stdout piped; env gets what the driver needs
 * (CLUSTER_LISTEN, CLUSTER_SECRET, and the workers' pids as BENCH_CPU_PIDS and BENCH_WORKER_PIDS
 * for netns). Returns the child process.
 */
export function launchDriver(system, args, env = {}) {
  const base = { ...process.env, ...env };
  if (system !== 'netns') return spawn(process.execPath, args, { env: base, stdio: ['ignore', 'pipe', 'inherit'] });
  const c = namespaces();
  const secret = randomBytes(24).toString('base64url');
  const secretFile = path.join(scratch, `secret-${nextPort}`);
  fs.writeFileSync(secretFile, secret, { mode: 0o600 });
  const listen = `${c.driver.ip}:${nextPort++}`;
  const memory = process.env.WORKER_MEMORY ?? '2g';
  const workers = c.workers.map((ns) =>
    c.spawn(ns, process.execPath, [path.join(engine, 'cli/main.js'), 'worker', '--driver', listen, '--secret-file', secretFile, '--cores', '1', '--memory', memory, '--dir', scratch, '--host', ns.ip], {
      stdio: ['ignore', 'inherit', 'inherit'],
    }),
  );
  const pids = workers.map((w) => w.pid).join(',');
  const driver = c.spawn(c.driver, process.execPath, args, {
    env: { ...base, CLUSTER_LISTEN: listen, CLUSTER_SECRET: secret, BENCH_CPU_PIDS: pids, BENCH_WORKER_PIDS: pids },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  // Workers end with their driver; any that does not (the driver crashed before they joined) is ended.
  driver.on('exit', () => setTimeout(() => workers.forEach((w) => w.exitCode === null && w.signalCode === null && w.kill('SIGKILL')), 5000).unref());
  return driver;
}

/** Removes the namespaces (also done at exit). */
export function removeNamespaces() {
  cluster?.remove();
  cluster = undefined;
}
