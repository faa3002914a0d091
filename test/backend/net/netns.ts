import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Network namespaces as "hosts" that share no loopback, for tests: two joined by a veth pair
 * (`a` is 10.77.0.1 and `b` is 10.77.0.2 on their `veth0`), or a hub with a bridge and leaves
 * (createNetnsStar). Needs root and `ip netns`. Everything is removed by `remove()` (also at
 * process exit if a test forgot), processes started in the namespaces included.
 */

export interface Netns {
  name: string;
  ip: string;
  dev: string;
}

/** Namespaces made by a test, and what it does with them. */
export interface NetnsHosts {
  hosts: Netns[];
  /** Starts `cmd args` inside `ns` (through `ip netns exec`); killed on remove. */
  spawn(ns: Netns, cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  linkDown(ns: Netns): void;
  linkUp(ns: Netns): void;
  remove(): void;
}

export interface NetnsPair extends NetnsHosts {
  a: Netns;
  b: Netns;
}

export interface NetnsStar extends NetnsHosts {
  hub: Netns;
  leaves: Netns[];
}

const SUBNET = '10.77.0';
const STAR_SUBNET = '10.78.0';
let counter = 0;
const live = new Set<NetnsHosts>();
let exitHook = false;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'] });
}

/** Why network namespaces cannot be used here, or undefined when they can. */
export function netnsUnavailable(): string | undefined {
  if (process.platform !== 'linux') return 'network namespaces need Linux';
  if (process.getuid?.() !== 0) return 'network namespaces need root';
  const probe = `sl${process.pid}p${counter++}`;
  try {
    ip('netns', 'add', probe);
  } catch (err) {
    return `ip netns is unavailable: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`;
  }
  try {
    ip('netns', 'del', probe);
  } catch {
    // removed by the exit hook's sweep below if it lingers
  }
  return undefined;
}

/** Namespaces `hosts` (made here), wired by `wire`; removed with their processes by `remove`. */
function createHosts(hosts: Netns[], wire: () => void): NetnsHosts {
  const children = new Set<ChildProcess>();
  let removed = false;
  const set: NetnsHosts = {
    hosts,
    spawn(ns, cmd, args, opts = {}) {
      const child = spawn('ip', ['netns', 'exec', ns.name, cmd, ...args], { stdio: ['pipe', 'pipe', 'inherit'], ...opts });
      children.add(child);
      child.on('exit', () => children.delete(child));
      return child;
    },
    linkDown(ns) {
      ip('-n', ns.name, 'link', 'set', ns.dev, 'down');
    },
    linkUp(ns) {
      ip('-n', ns.name, 'link', 'set', ns.dev, 'up');
    },
    remove() {
      if (removed) return;
      removed = true;
      live.delete(set);
      for (const c of children) if (c.pid !== undefined && c.exitCode === null) c.kill('SIGKILL');
      // Deleting a namespace also deletes its ends of veth pairs, and with them the other ends.
      for (const ns of hosts) {
        try {
          ip('netns', 'del', ns.name);
        } catch {
          // not created (a failed set-up) or already gone
        }
      }
    },
  };
  live.add(set);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const p of [...live]) p.remove();
    });
  }
  try {
    for (const ns of hosts) ip('netns', 'add', ns.name);
    wire();
    for (const ns of hosts) ip('-n', ns.name, 'link', 'set', 'lo', 'up');
  } catch (err) {
    set.remove();
    throw new Error(`could not set up network namespaces: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`);
  }
  return set;
}

export function createNetnsPair(): NetnsPair {
  const tag = `sl${process.pid}n${counter++}`;
  const a: Netns = { name: `${tag}a`, ip: `${SUBNET}.1`, dev: 'veth0' };
  const b: Netns = { name: `${tag}b`, ip: `${SUBNET}.2`, dev: 'veth0' };
  const set = createHosts([a, b], () => {
    // Both ends are created inside their namespaces: nothing appears in the host's namespace.
    ip('link', 'add', a.dev, 'netns', a.name, 'type', 'veth', 'peer', 'name', b.dev, 'netns', b.name);
    for (const ns of [a, b]) {
      ip('-n', ns.name, 'addr', 'add', `${ns.ip}/24`, 'dev', ns.dev);
      ip('-n', ns.name, 'link', 'set', ns.dev, 'up');
    }
  });
  return { ...set, a, b };
}

/**
 * A hub namespace (10.78.0.1 on a bridge, `br0`) and `leaves` namespaces (10.78.0.2, .3, ...), each
 * joined to the hub's bridge by a veth pair of its own: hosts that reach each other through the
 * hub's switch, and none by loopback. Taking a leaf's `veth0` down cuts it off from all the others.
 */
export function createNetnsStar(leaves: number): NetnsStar {
  const tag = `sl${process.pid}s${counter++}`;
  const hub: Netns = { name: `${tag}h`, ip: `${STAR_SUBNET}.1`, dev: 'br0' };
  const leafHosts = Array.from({ length: leaves }, (_, i): Netns => ({ name: `${tag}l${i}`, ip: `${STAR_SUBNET}.${i + 2}`, dev: 'veth0' }));
  const set = createHosts([hub, ...leafHosts], () => {
    ip('-n', hub.name, 'link', 'add', 'br0', 'type', 'bridge');
    ip('-n', hub.name, 'addr', 'add', `${hub.ip}/24`, 'dev', 'br0');
    ip('-n', hub.name, 'link', 'set', 'br0', 'up');
    leafHosts.forEach((leaf, i) => {
      ip('link', 'add', leaf.dev, 'netns', leaf.name, 'type', 'veth', 'peer', 'name', `port${i}`, 'netns', hub.name);
      ip('-n', hub.name, 'link', 'set', `port${i}`, 'master', 'br0');
      ip('-n', hub.name, 'link', 'set', `port${i}`, 'up');
      ip('-n', leaf.name, 'addr', 'add', `${leaf.ip}/24`, 'dev', leaf.dev);
      ip('-n', leaf.name, 'link', 'set', leaf.dev, 'up');
    });
  });
  return { ...set, hub, leaves: leafHosts };
}

/** Runs `fn` with a fresh namespace pair and removes it afterwards, whether `fn` succeeds or not. */
export async function withNetnsPair<T>(fn: (pair: NetnsPair) => Promise<T>): Promise<T> {
  const pair = createNetnsPair();
  try {
    return await fn(pair);
  } finally {
    pair.remove();
  }
}

/** Namespaces of this process still present (for checking that nothing is left behind). */
export function leftoverNamespaces(): string[] {
  const out = execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((l) => l.split(' ')[0]!)
    .filter((n) => n.startsWith(`sl${process.pid}`));
}
