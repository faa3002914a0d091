/**
 * A worker's block server listens only where it was told to, or else on the address it reaches
 * the driver from (loopback when the driver is on loopback): never on every interface unless the
 * user asked for it (`host: '0.0.0.0'`).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import * as net from 'node:net';
import { hostname, networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { ClusterBackend } from '../../../src/backend/cluster/cluster-backend.js';
import { runWorker } from '../../../src/backend/cluster/worker-process.js';

const secret = 'worker bind secret';
const dir = mkdtempSync(join(tmpdir(), 'sluice-worker-bind-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** This machine's first non-loopback IPv4 address, if it has one. */
const external = Object.values(networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

/** Whether a TCP connection to host:port is accepted. */
function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** A driver listening on `listen`, one worker dialing it with `host`; returns where the worker serves its blocks. */
async function blockAddress(listen: string, host: string | undefined): Promise<{ blocks: { host: string; port: number }; name: string; stop: () => Promise<void> }> {
  const driver = new ClusterBackend({ listen: { host: listen, port: 0 }, secret });
  await driver.start(() => {});
  const worker = runWorker({ driver: `${listen}:${driver.address().port}`, secret, cores: 1, memory: 32 << 20, dir, ...(host !== undefined ? { host } : {}) });
  await driver.waitForWorkers(1, 30_000);
  const [w] = driver.workers();
  return {
    blocks: w!.blocks,
    name: w!.host,
    stop: async () => {
      await driver.stop();
      await worker;
    },
  };
}

test('a driver on loopback: the worker serves its blocks on loopback only, and announces this host by name', async () => {
  const w = await blockAddress('127.0.0.1', undefined);
  try {
    assert.equal(w.blocks.host, '127.0.0.1');
    assert.equal(w.name, hostname());
    assert.equal(await reachable('127.0.0.1', w.blocks.port), true);
    if (external) assert.equal(await reachable(external, w.blocks.port), false, `not reachable on ${external}`);
  } finally {
    await w.stop();
  }
});

test('a driver on another interface: the worker binds the address it reaches the driver from, not the wildcard', { skip: external ? false : 'this machine has no non-loopback IPv4 interface' }, async () => {
  const w = await blockAddress(external!, undefined);
  try {
    assert.equal(w.blocks.host, external);
    assert.equal(await reachable(external!, w.blocks.port), true);
    assert.equal(await reachable('127.0.0.1', w.blocks.port), false, 'not on loopback either');
  } finally {
    await w.stop();
  }
});

test('every interface only when asked: host 0.0.0.0 binds them all and advertises the address the driver is reached from', { skip: external ? false : 'this machine has no non-loopback IPv4 interface' }, async () => {
  const w = await blockAddress('127.0.0.1', '0.0.0.0');
  try {
    assert.equal(w.blocks.host, '127.0.0.1');
    assert.equal(w.name, hostname());
    assert.equal(await reachable('127.0.0.1', w.blocks.port), true);
    assert.equal(await reachable(external!, w.blocks.port), true);
  } finally {
    await w.stop();
  }
});
