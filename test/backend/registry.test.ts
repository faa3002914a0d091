import assert from 'node:assert/strict';
import { test } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InlineBackend } from '../../src/backend/inline-backend.js';
import { runWorker } from '../../src/backend/cluster/worker-process.js';
import { backendSchemes, memoryPerWorker, registerBackend, Session, SluiceError } from '../../src/index.js';
import { freePort } from './cluster/free-port.js';

test('inline and local are registered; an unknown scheme is an error listing the known ones', async () => {
  assert.ok(backendSchemes().includes('inline') && backendSchemes().includes('local'));
  await assert.rejects(Session.local({ master: 'nosuch[3]' }), (e: Error) => {
    assert.ok(e instanceof SluiceError);
    assert.match(e.message, /unknown master "nosuch\[3\]": the registered backends are .*inline.*local, local\[N\], local\[\*\]/);
    return true;
  });
  await assert.rejects(Session.local({ master: 'local[x]' }), /unknown master "local\[x\]": use local, local\[N\] or local\[\*\]/);
});

test('a registered scheme makes its backend from the master string, with the session options', async () => {
  const made: Array<{ master: string; memory: number; preload: number }> = [];
  registerBackend('test-inline', {
    usage: 'test-inline[N]',
    parse: (m) => {
      if (!/^test-inline\[\d+\]$/.test(m)) throw new SluiceError(`bad test master ${m}`);
    },
    create: (master, opts) => {
      const memory = memoryPerWorker(opts.memory, 1);
      made.push({ master, memory, preload: opts.preload.length });
      return { backend: new InlineBackend({ memoryPerWorker: memory }), parallelism: Number(/\d+/.exec(master)![0]) };
    },
  });
  const s = await Session.local({ master: 'test-inline[3]', memory: '1m' });
  try {
    assert.equal(s.master, 'inline');
    assert.equal(s.defaultParallelism, 3);
    assert.deepEqual(await s.range(10).map((x) => x * 2).collect(), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  } finally {
    await s.stop();
  }
  assert.deepEqual(made, [{ master: 'test-inline[3]', memory: 1 << 20, preload: 1 }]);
  await assert.rejects(Session.local({ master: 'test-inline' }), /bad test master test-inline/);
  assert.throws(() => registerBackend('Bad Scheme', made as never), /invalid backend scheme/);
});

test('cluster is a registered scheme: cluster://host:port listens there, waits for minWorkers, and runs jobs on the workers that joined', async () => {
  assert.ok(backendSchemes().includes('cluster'));
  // Malformed addresses and a missing secret are errors before anything listens.
  await assert.rejects(Session.local({ master: 'cluster://nohost', cluster: { secret: 'x' } }), /master cluster:\/\/nohost: invalid address "nohost"/);
  await assert.rejects(Session.local({ master: 'cluster://h:70000', cluster: { secret: 'x' } }), /invalid port 70000/);
  await assert.rejects(Session.local({ master: 'clusterx' }), /unknown master "clusterx"/);
  const saved = process.env.SLUICE_SECRET;
  delete process.env.SLUICE_SECRET;
  try {
    await assert.rejects(Session.local({ master: 'cluster://127.0.0.1:7077' }), /needs a secret/);
  } finally {
    if (saved !== undefined) process.env.SLUICE_SECRET = saved;
  }

  const dir = mkdtempSync(join(tmpdir(), 'sluice-registry-cluster-'));
  try {
    const port = await freePort();
    const secret = 'registry-cluster-secret';
    const workers = [2, 1].map((cores) => runWorker({ driver: `127.0.0.1:${port}`, secret, cores, memory: 64 << 20, dir, host: '127.0.0.1' }));
    const s = await Session.local({ master: `cluster://127.0.0.1:${port}`, cluster: { secret, minWorkers: 2 } });
    try {
      assert.equal(s.master, 'cluster');
      assert.equal(s.defaultParallelism, 3, 'the cores of the workers that joined');
      const ran = new Set<string>();
      s.on((e) => void (e.type === 'taskEnd' && e.ok && ran.add(e.worker)));
      const nums = Array.from({ length: 1000 }, (_, i) => i);
      const got = await s.parallelize(nums, 6).map((x): [number, number] => [x % 5, x]).reduceByKey((a, b) => a + b, undefined, 3).collect();
      const want = new Map<number, number>();
      for (const x of nums) want.set(x % 5, (want.get(x % 5) ?? 0) + x);
      assert.deepEqual(new Map(got), want);
      assert.ok([...ran].every((w) => w.startsWith('127.0.0.1:')), `tasks ran on the workers that dialed in: ${[...ran].join(', ')}`);
    } finally {
      await s.stop();
    }
    await Promise.all(workers);
    // Too few workers: the session does not start, and says how many joined.
    await assert.rejects(Session.local({ master: `cluster://127.0.0.1:${await freePort()}`, cluster: { secret, minWorkers: 1, joinTimeoutMs: 300 } }), /only 0 of 1 worker\(s\) joined/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

