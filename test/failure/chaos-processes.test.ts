/**
 * Chaos on processes[3]: a shuffle-heavy job (word count, a join, sortBy, a cached iterative
 * loop) runs while kill -9 hits a random worker process at a random moment (two in some
 * trials). Every answer must equal the plain-JS reference; afterwards no worker process is
 * left in the process table and the workers' directory is gone.
 *
 * Trials: SLUICE_CHAOS_TRIALS (default 8, to fit the CI budget on 2 cores; the issue's 50 run with
 * SLUICE_CHAOS_TRIALS=50).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';
import { Session } from '../../src/index.js';
import type { ProcessesBackend } from '../../src/backend/cluster/processes-backend.js';

const TRIALS = Number(process.env.SLUICE_CHAOS_TRIALS) || 8;
/** Per trial, on a loaded 2-core machine (a lost worker's work is redone; a fetch from it fails fast). */
const TRIAL_BOUND_MS = 120_000;

/** Worker processes of this test process, from the process table. */
function workerPids(): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('process-entry'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A small deterministic generator, so trials are reproducible from their number. */
function rand(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) | 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const lines = Array.from({ length: 3000 }, (_, i) => `w${i % 97} w${(i * 7) % 31} x${i % 13} w${(i * i) % 53}`);
const others = Array.from({ length: 300 }, (_, i): [string, number] => [`w${i % 97}`, i]);
const POINTS = 3000;

/** The same job in plain JS. */
function reference(): string {
  const counts = new Map<string, number>();
  for (const l of lines) for (const w of l.split(' ')) counts.set(w, (counts.get(w) ?? 0) + 1);
  const sums = new Map<string, number>();
  for (const [k, v] of others) if (counts.has(k)) sums.set(k, (sums.get(k) ?? 0) + counts.get(k)! * v);
  const joined = [...sums].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  let w = 0;
  for (let i = 0; i < 4; i++) {
    let g = 0;
    for (let x = 0; x < POINTS; x++) g += (x % 100) / 10 - w;
    w += (g / POINTS) * 0.5;
  }
  return JSON.stringify([joined, w.toFixed(9)]);
}

async function job(s: Session): Promise<string> {
  const counts = s
    .parallelize(lines, 6)
    .flatMap((l) => l.split(' '))
    .map((w): [string, number] => [w, 1])
    .reduceByKey((a, b) => a + b, undefined, 5);
  const joined = await counts
    .join(s.parallelize(others, 4), 4)
    .map(([k, [c, v]]): [string, number] => [k, c * v])
    .reduceByKey((a, b) => a + b, undefined, 3)
    .sortBy((p) => p[0])
    .collect();
  const points = s
    .range(0, POINTS, 1, 6)
    .map((x) => (x % 100) / 10)
    .cache();
  let w = 0;
  for (let i = 0; i < 4; i++) {
    // Summed in a fixed order per partition, then across partitions: float sums may differ in the last bits by order.
    const g = await points.map((x, env) => x - env.w, { w }).reduce((a, b) => a + b);
    w += (g / POINTS) * 0.5;
  }
  points.unpersist();
  return JSON.stringify([joined, w.toFixed(9)]);
}

test(`chaos: ${TRIALS} trials of kill -9 of random workers during a shuffle-heavy job on processes[3]`, { timeout: TRIALS * TRIAL_BOUND_MS + 120_000 }, async () => {
  const want = reference();
  const s = await Session.local({ master: 'processes[3]' });
  const backend = (s as unknown as { engine: { driver: { backend: ProcessesBackend } } }).engine.driver.backend;
  const dir = backend.dir;
  const seen = new Set<number>();
  const killed: number[] = [];
  try {
    const t0 = Date.now();
    assert.equal(await job(s), want, 'the job without failures');
    // Kills land within the job's own length (on a quiet machine it is well under a second).
    let span = Math.max(20, Math.floor((Date.now() - t0) * 0.4));
    let missed = 0;
    for (let t = 0; t < TRIALS; ) {
      const r = rand(1000 + t + 7919 * missed);
      const killedBefore = killed.length;
      const kills = r() < 0.25 ? 2 : 1;
      const started = Date.now();
      const timers: NodeJS.Timeout[] = [];
      for (let k = 0; k < kills; k++) {
        const at = Math.floor(r() * span);
        const pick = r();
        timers.push(
          setTimeout(() => {
            const pids = workerPids();
            for (const p of pids) seen.add(p);
            const victim = pids[Math.floor(pick * pids.length)];
            if (victim === undefined) return;
            killed.push(victim);
            process.kill(victim, 'SIGKILL');
          }, at),
        );
      }
      const got = await job(s);
      for (const tm of timers) clearTimeout(tm);
      const took = Date.now() - started;
      assert.equal(got, want, `trial ${t}: the answer after ${kills} kill(s)`);
      assert.ok(took < TRIAL_BOUND_MS, `trial ${t} took ${took} ms`);
      for (const p of workerPids()) seen.add(p);
      // A job that ended before its kill timer is no trial: run it again with kills sooner.
      if (killed.length === killedBefore && missed < 20) {
        missed++;
        span = Math.max(5, Math.floor(span / 2));
      } else t++;
    }
  } finally {
    await s.stop();
  }
  assert.ok(killed.length >= TRIALS, `killed ${killed.length} worker processes`);
  assert.deepEqual(workerPids(), [], 'no worker process is left under the driver');
  for (const p of seen) assert.ok(!alive(p), `worker process ${p} is gone (not orphaned)`);
  assert.ok(!existsSync(dir), `the workers' directory ${dir} is removed`);
});
