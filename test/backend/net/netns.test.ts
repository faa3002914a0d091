import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createNetnsPair, leftoverNamespaces, netnsUnavailable, withNetnsPair } from './netns.js';
import { patternBytes, sha256 } from './fixtures/pattern.js';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}.js`, import.meta.url));
const env = { ...process.env, SLUICE_TEST_SECRET: 'netns secret' };
const skip = netnsUnavailable();

/** The JSON lines a child prints, one at a time. */
function jsonLines(child: ChildProcess): () => Promise<Record<string, unknown>> {
  const it = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
  return async () => {
    const { value, done } = await it.next();
    if (done) throw new Error('the child exited without answering');
    return JSON.parse(value as string) as Record<string, unknown>;
  };
}

test('the namespace helper builds a veth pair and removes everything, also when set-up or the test fails', { skip }, async () => {
  await assert.rejects(
    withNetnsPair(async (pair) => {
      assert.deepEqual(leftoverNamespaces().sort(), [pair.a.name, pair.b.name].sort());
      throw new Error('test body failed');
    }),
    /test body failed/,
  );
  assert.deepEqual(leftoverNamespaces(), []);
  const pair = createNetnsPair();
  pair.linkDown(pair.a);
  pair.linkUp(pair.a);
  pair.remove();
  pair.remove();
  assert.deepEqual(leftoverNamespaces(), []);
});

test('a block fetch between processes in two network namespaces', { skip }, async () => {
  const n = 5_000_000;
  await withNetnsPair(async (pair) => {
    const owner = pair.spawn(pair.a, process.execPath, [fixture('block-owner'), '--host', pair.a.ip, '--bytes', String(n)], { env });
    const { port } = await jsonLines(owner)();
    // The owner is not reachable from this (the host's) namespace: the hosts really are apart.
    const reachable = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: pair.a.ip, port: port as number, timeout: 500 });
      s.on('connect', () => (s.destroy(), resolve(true)));
      s.on('error', () => resolve(false));
      s.on('timeout', () => (s.destroy(), resolve(false)));
    });
    assert.equal(reachable, false);
    const fetcher = pair.spawn(pair.b, process.execPath, [fixture('block-fetcher'), '--host', pair.a.ip, '--port', String(port), '--bytes', String(n), '--max-in-flight', String(1 << 20)], { env });
    const result = await jsonLines(fetcher)();
    assert.equal(result.ok, true, JSON.stringify(result));
    assert.equal(result.sha256, sha256([patternBytes(n)]));
    owner.stdin!.end();
  });
  assert.deepEqual(leftoverNamespaces(), []);
});

test('a link taken down mid-fetch gives a FetchError (timeout), not a hang; the link comes back', { skip }, async () => {
  const n = 16_000_000;
  await withNetnsPair(async (pair) => {
    const owner = pair.spawn(pair.a, process.execPath, [fixture('block-owner'), '--host', pair.a.ip, '--bytes', String(n)], { env });
    const { port } = await jsonLines(owner)();
    const args = [fixture('block-fetcher'), '--host', pair.a.ip, '--port', String(port), '--bytes', String(n), '--max-in-flight', String(256 << 10)];
    const fetcher = pair.spawn(pair.b, process.execPath, [...args, '--timeout-ms', '1500', '--pause-after-first'], { env });
    const next = jsonLines(fetcher);
    assert.deepEqual(await next(), { first: true });
    pair.linkDown(pair.a);
    fetcher.stdin!.write('go\n');
    const result = await next();
    assert.equal(result.error, 'FetchError', JSON.stringify(result));
    assert.equal(result.blockId, 'blk');
    assert.match(String(result.reason), /timeout/);
    pair.linkUp(pair.a);
    const again = pair.spawn(pair.b, process.execPath, args, { env });
    const ok = await jsonLines(again)();
    assert.equal(ok.ok, true, JSON.stringify(ok));
    assert.equal(ok.sha256, sha256([patternBytes(n)]));
    owner.stdin!.end();
  });
  assert.deepEqual(leftoverNamespaces(), []);
});
