import { execFileSync, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';

/**
 * Two network namespaces joined by a veth pair, for tests that need "hosts" that share no
 * loopback: `a` is 10.77.0.1 and `b` is 10.77.0.2 on their `veth0`. Needs root and `ip netns`.
 * Everything is removed by {@link NetnsPair.remove} (also at process exit if a test forgot),
 * processes started in the namespaces included.
 */

export interface Netns {
  name: string;
  ip: string;
  dev: string;
}

export interface NetnsPair {
  a: Netns;
  b: Netns;
  /** Starts `cmd args` inside `ns` (through `ip netns exec`); killed on remove. */
  spawn(ns: Netns, cmd: string, args: string[], opts?: SpawnOptions): ChildProcess;
  linkDown(ns: Netns): void;
  linkUp(ns: Netns): void;
  remove(): void;
}

const SUBNET = '10.77.0';
let counter = 0;
const live = new Set<NetnsPair>();
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

export function createNetnsPair(): NetnsPair {
  const tag = `sl${process.pid}n${counter++}`;
  const a: Netns = { name: `${tag}a`, ip: `${SUBNET}.1`, dev: 'veth0' };
  const b: Netns = { name: `${tag}b`, ip: `${SUBNET}.2`, dev: 'veth0' };
  const children = new Set<ChildProcess>();
  let removed = false;
  const pair: NetnsPair = {
    a,
    b,
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
      live.delete(pair);
      for (const c of children) if (c.pid !== undefined && c.exitCode === null) c.kill('SIGKILL');
      // Deleting a namespace also deletes its end of the veth pair, and with it the other end.
      for (const ns of [a, b]) {
        try {
          ip('netns', 'del', ns.name);
        } catch {
          // not created (a failed set-up) or already gone
        }
      }
    },
  };
  live.add(pair);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const p of [...live]) p.remove();
    });
  }
  try {
    ip('netns', 'add', a.name);
    ip('netns', 'add', b.name);
    // Both ends are created inside their namespaces: nothing appears in the host's namespace.
    ip('link', 'add', a.dev, 'netns', a.name, 'type', 'veth', 'peer', 'name', b.dev, 'netns', b.name);
    for (const ns of [a, b]) {
      ip('-n', ns.name, 'addr', 'add', `${ns.ip}/24`, 'dev', ns.dev);
      ip('-n', ns.name, 'link', 'set', ns.dev, 'up');
      ip('-n', ns.name, 'link', 'set', 'lo', 'up');
    }
  } catch (err) {
    pair.remove();
    throw new Error(`could not set up network namespaces: ${String((err as { stderr?: Buffer }).stderr ?? err).trim()}`);
  }
  return pair;
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
