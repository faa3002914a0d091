// Helpers shared by the benchmarks: medians, machine description, and a CPU monitor.
// The machine is shared (2 cores; other sessions run test suites on it), so every timed
// run records how much CPU *other* processes used meanwhile, and runs can wait for quiet.
import * as fs from 'node:fs';
import * as os from 'node:os';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

export function machine() {
  return `${os.cpus().length} cpus (${os.cpus()[0]?.model}), ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB RAM, node ${process.version}, ${os.type()} ${os.release()}`;
}

const TICK = 100; // USER_HZ: /proc/stat counts in 1/100 s

/** Whole-machine CPU counters from /proc/stat, in seconds. */
export function procStat() {
  const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line.trim().split(/\s+/).slice(1).map(Number);
  return { busy: (user + nice + system + irq + softirq) / TICK, idle: (idle + iowait) / TICK, steal: steal / TICK };
}

/** CPU seconds used by this process (all its threads). */
export const ownCpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

/** utime + stime + cutime + cstime of one process, in seconds (0 once it is gone). */
function pidCpu(pid) {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // f[0] is field 3 (state)
    return (Number(f[11]) + Number(f[12]) + Number(f[13]) + Number(f[14])) / TICK;
  } catch {
    return 0;
  }
}

/** Pid → child pids, from /proc (one scan). */
function childrenOf() {
  const kids = new Map();
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${d}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      kids.set(ppid, [...(kids.get(ppid) ?? []), Number(d)]);
    } catch {
      // exited during the scan
    }
  }
  return kids;
}

/**
 * CPU seconds of this process and every process under it (worker processes of processes[N]),
 * plus the trees of `BENCH_CPU_PIDS` (comma-separated: workers started elsewhere, as in network
 * namespaces). Dead children count once reaped (their parent's cutime). Linux only: elsewhere,
 * this process alone.
 */
export function treeCpu() {
  if (!fs.existsSync('/proc/self/stat')) return ownCpu();
  const kids = childrenOf();
  const extra = (process.env.BENCH_CPU_PIDS ?? '').split(',').filter(Boolean).map(Number);
  let total = 0;
  const seen = new Set();
  const walk = (pid) => {
    if (seen.has(pid)) return;
    seen.add(pid);
    total += pid === process.pid ? ownCpu() + selfChildrenCpu() : pidCpu(pid);
    for (const k of kids.get(pid) ?? []) walk(k);
  };
  for (const pid of [process.pid, ...extra]) walk(pid);
  return total;
}

/** cutime + cstime of this process (its reaped children). */
function selfChildrenCpu() {
  const stat = fs.readFileSync('/proc/self/stat', 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[13]) + Number(f[14])) / TICK;
}

/**
 * Starts a measurement window; `end(childCpu)` returns wall seconds, own CPU seconds (as `meter`
 * counts them: this process by default, `treeCpu` for a process tree), and the CPU seconds other
 * processes used (machine busy − own − childCpu) as a share of one core.
 */
export function cpuWindow(meter = ownCpu) {
  const t0 = performance.now();
  const p0 = procStat();
  const c0 = meter();
  return (childCpu = 0) => {
    const wall = (performance.now() - t0) / 1000;
    const p1 = procStat();
    const own = meter() - c0 + childCpu;
    const other = Math.max(0, p1.busy - p0.busy - own);
    return { wall, own, other, otherCores: other / wall, steal: (p1.steal - p0.steal) / wall };
  };
}

/**
 * Waits (up to maxWaitS) until other processes use less than `threshold` cores over a 1 s window,
 * so timed runs do not overlap the neighbours' test suites. Returns the seconds waited.
 */
export async function waitForQuiet({ threshold = 0.15, maxWaitS = Number(process.env.QUIET_MAX_S ?? 20) } = {}) {
  if (process.env.NO_QUIET) return 0;
  const start = performance.now();
  for (;;) {
    const end = cpuWindow();
    await new Promise((r) => setTimeout(r, 1000));
    const { otherCores } = end();
    const waited = (performance.now() - start) / 1000;
    if (otherCores < threshold || waited >= maxWaitS) return waited;
  }
}

/** Samples RSS every `ms`; stop() returns { peak, samples }. */
export function rssSampler(ms = 100) {
  let peak = process.memoryUsage().rss;
  const samples = [];
  const t0 = performance.now();
  const timer = setInterval(() => {
    const rss = process.memoryUsage().rss;
    if (rss > peak) peak = rss;
    samples.push([(performance.now() - t0) / 1000, rss]);
  }, ms);
  return {
    get peak() {
      return peak;
    },
    samples,
    stop() {
      clearInterval(timer);
      return { peak, samples };
    },
  };
}

/** VmHWM / VmRSS of this process from /proc/self/status, in bytes. */
export function procStatus() {
  const txt = fs.readFileSync('/proc/self/status', 'utf8');
  const get = (k) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(txt)?.[1] ?? NaN) * 1024;
  return { hwm: get('VmHWM'), rss: get('VmRSS') };
}
