/** Session.cluster: a driver that workers join over TCP with the secret; a job runs on them; too few workers is a clear error. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { Session } from '../../../src/index.js';
import { runWorker } from '../../../src/backend/cluster/worker-process.js';
import { freePort } from './free-port.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-cluster-session-'));
after(() => rmSync(dir, { recursive: true, force: true }));


test('two workers join a Session.cluster driver and a word count over both matches the reference', async () => {
  const port = await freePort();
  const secret = 'cluster-session-secret';
  const workers = [1, 2].map(() => runWorker({ driver: `127.0.0.1:${port}`, secret, cores: 1, memory: 64 << 20, dir, host: '127.0.0.1' }));
  const s = await Session.cluster({ listen: `127.0.0.1:${port}`, secret, minWorkers: 2 });
  try {
    assert.equal(s.defaultParallelism, 2);
    const lines = Array.from({ length: 500 }, (_, i) => `a${i % 7} b${i % 3}`);
    const got = await s.parallelize(lines, 4).flatMap((l) => l.split(' ')).map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b, undefined, 3).sortBy((p) => p[0]).collect();
    const want = new Map<string, number>();
    for (const l of lines) for (const w of l.split(' ')) want.set(w, (want.get(w) ?? 0) + 1);
    assert.deepEqual(got, [...want].sort((x, y) => (x[0] < y[0] ? -1 : 1)));
  } finally {
    await s.stop();
  }
  await Promise.all(workers);
});

test('too few workers within the timeout is an error naming how many joined', async () => {
  const port = await freePort();
  await assert.rejects(Session.cluster({ listen: `127.0.0.1:${port}`, secret: 's', minWorkers: 2, joinTimeoutMs: 300 }), /only 0 of 2 worker\(s\) joined/);
});
