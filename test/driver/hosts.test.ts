/**
 * Hosts for locality: workers on this machine (threads, or processes announcing a loopback or
 * interface address) are known by its hostname, as are files on its local disks; a stage's
 * tasks get the hosts of the file splits they read.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileHost, stageInputHosts, workerHost } from '../../src/driver/hosts.js';
import { Session } from '../../src/index.js';

test('a worker on this machine is known by its hostname, one elsewhere by the address it announced', () => {
  for (const local of [undefined, 'localhost', '127.0.0.1', '::1', '[::1]', '::ffff:127.0.0.1', hostname()]) assert.equal(workerHost(local), hostname(), String(local));
  assert.equal(workerHost('192.0.2.7'), '192.0.2.7', 'TEST-NET-1: never a local interface');
  assert.equal(workerHost('node17'), 'node17');
});

test("a text file's splits prefer this host; sources without files prefer none", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'sluice-hosts-'));
  const s = await Session.local({ master: 'inline' });
  try {
    for (let i = 0; i < 3; i++) writeFileSync(join(dir, `f${i}.txt`), 'a\nb\nc\n');
    assert.equal(fileHost(join(dir, 'f0.txt')), hostname());
    const lines = s.textFile(join(dir, '*.txt')).map((l) => l.toUpperCase()).filter((l) => l !== 'B');
    assert.deepEqual(stageInputHosts(lines.node), Array.from({ length: lines.numPartitions }, () => [hostname()]));
    assert.equal(stageInputHosts(s.parallelize([1, 2], 2).map((x) => x).node), undefined);
    // Past a shuffle the stage reads no file.
    assert.equal(stageInputHosts(lines.map((l) => [l, 1] as [string, number]).reduceByKey((a, b) => a + b).node), undefined);
    assert.deepEqual((await lines.collect()).sort(), ['A', 'A', 'A', 'C', 'C', 'C']);
    // A DataFrame stage scanning files: its scan's partitions prefer this host too.
    writeFileSync(join(dir, 'p.csv'), 'x,y\n1,2\n3,4\n');
    const df = s.read.csv(join(dir, 'p.csv'), { header: true }).filter('x > 1');
    const stage = df.ctx.compile(df.plan).node;
    assert.equal(stage.compute.kind, 'frame');
    assert.deepEqual(stageInputHosts(stage), Array.from({ length: stage.numPartitions }, () => [hostname()]));
    assert.deepEqual(await df.count(), 1);
    const mem = s.createDataFrame([{ x: 1 }]);
    assert.equal(stageInputHosts(mem.ctx.compile(mem.plan).node), undefined, 'rows in memory prefer no host');
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
