// Three "hosts" for the cluster benchmark: a driver namespace and two worker namespaces, each
// joined to a bridge in the driver's namespace by a veth pair (10.78.0.1 driver, .2 and .3
// workers), so workers reach the driver and each other only over veth, never loopback or
// shared memory. Needs root and `ip netns`. remove() deletes everything (also at exit).
import { execFileSync, spawn } from 'node:child_process';

const SUBNET = '10.78.0';
const ip = (...args) => execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });

/** Why namespaces cannot be used here, or undefined. */
export function netnsUnavailable() {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  try {
    execFileSync('ip', ['netns', 'list'], { stdio: 'ignore' });
  } catch (e) {
    return `ip netns is unavailable: ${e.message}`;
  }
  return undefined;
}

/** Creates the namespaces: `{ driver, workers: [w1, w2], spawn(ns, cmd, args, opts), remove() }`. */
export function createCluster(workers = 2) {
  const tag = `sb${process.pid}`;
  const driver = { name: `${tag}d`, ip: `${SUBNET}.1` };
  const ws = Array.from({ length: workers }, (_, i) => ({ name: `${tag}w${i + 1}`, ip: `${SUBNET}.${i + 2}` }));
  const children = new Set();
  let removed = false;
  const remove = () => {
    if (removed) return;
    removed = true;
    for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    for (const ns of [driver, ...ws]) {
      try {
        ip('netns', 'del', ns.name);
      } catch {
        // never created
      }
    }
  };
  process.on('exit', remove);
  // Ctrl-C or a kill skips 'exit' handlers unless the signal is handled: remove namespaces and workers then too.
  for (const sig of ['SIGINT', 'SIGTERM']) process.once(sig, () => process.exit(130));
  try {
    ip('netns', 'add', driver.name);
    ip('-n', driver.name, 'link', 'set', 'lo', 'up');
    ip('-n', driver.name, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', driver.name, 'addr', 'add', `${driver.ip}/24`, 'dev', 'br0');
    ip('-n', driver.name, 'link', 'set', 'br0', 'up');
    ws.forEach((ns, i) => {
      ip('netns', 'add', ns.name);
      ip('-n', ns.name, 'link', 'set', 'lo', 'up');
      // Both ends are made inside their namespaces: nothing appears in the host's.
      ip('-n', driver.name, 'link', 'add', `vw${i + 1}`, 'type', 'veth', 'peer', 'name', 'veth0', 'netns', ns.name);
      ip('-n', driver.name, 'link', 'set', `vw${i + 1}`, 'master', 'br0');
      ip('-n', driver.name, 'link', 'set', `vw${i + 1}`, 'up');
      ip('-n', ns.name, 'addr', 'add', `${ns.ip}/24`, 'dev', 'veth0');
      ip('-n', ns.name, 'link', 'set', 'veth0', 'up');
    });
  } catch (e) {
    remove();
    throw new Error(`could not set up network namespaces: ${String(e.stderr ?? e).trim()}`);
  }
  return {
    driver,
    workers: ws,
    /** Runs `cmd args` in namespace `ns` (ip netns exec execs it: the child's pid is the command's). */
    spawn(ns, cmd, args, opts = {}) {
      const child = spawn('ip', ['netns', 'exec', ns.name, cmd, ...args], { stdio: ['ignore', 'pipe', 'inherit'], ...opts });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    remove,
  };
}
