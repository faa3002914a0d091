import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { createNetnsPair, createNetnsStar, leftoverNamespaces, netnsUnavailable, withNetnsPair, type NetnsStar } from './netns.js';
import { wordJoinReference } from './fixtures/word-join-job.js';
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

/**
 * A cluster across namespaces: the driver (Session.cluster) in the hub of a star, two `sluice
 * worker` processes each in a leaf namespace of its own, so control messages and shuffle blocks
 * cross veth links and a bridge, never loopback. The job (word count, a join, sortBy) is checked
 * against plain JS; then one worker's link is taken down as the shuffles begin, and the job must
 * still answer right: that worker is lost after missed heartbeats (1 s, 5 missed), fetches from it
 * fail, and its outputs are recomputed on the other.
 */
describe('a cluster across network namespaces', { skip }, () => {
  const cli = fileURLToPath(new URL('../../../src/cli/main.js', import.meta.url));
  const PORT = 7077;
  /** A loaded 2-core machine: heartbeats lost after ~5 s, a stuck fetch times out after 30 s, then the map outputs are redone. */
  const CUT_BOUND_MS = 150_000;
  let star: NetnsStar | undefined;
  let dir = '';
  let driver: ChildProcess;
  let fromDriver: () => Promise<Record<string, unknown>>;
  let workerIds: string[] = [];

  before(async () => {
    star = createNetnsStar(2);
    dir = mkdtempSync(join(tmpdir(), 'sluice-netns-'));
    const secretFile = join(dir, 'secret');
    writeFileSync(secretFile, 'netns cluster secret\n', { mode: 0o600 });
    const listen = `${star.hub.ip}:${PORT}`;
    driver = star.spawn(star.hub, process.execPath, [fixture('netns-driver'), '--listen', listen, '--secret-file', secretFile, '--workers', '2']);
    fromDriver = jsonLines(driver);
    star.leaves.forEach((leaf, i) => {
      const args = [cli, 'worker', '--driver', listen, '--secret-file', secretFile, '--cores', '1', '--memory', '64m', '--dir', join(dir, `w${i}`), '--host', leaf.ip, '--connect-timeout', '60'];
      star!.spawn(leaf, process.execPath, args, { stdio: ['ignore', 'inherit', 'inherit'] });
    });
    const ready = await fromDriver();
    assert.equal(ready.ready, true, JSON.stringify(ready));
    workerIds = ready.workers as string[];
  });
  after(() => {
    driver?.stdin?.end();
    star?.remove();
    if (dir) rmSync(dir, { recursive: true, force: true });
    assert.deepEqual(leftoverNamespaces(), []);
  });

  test('two sluice workers in their own namespaces join the driver by their namespace addresses', () => {
    assert.equal(workerIds.length, 2);
    for (const leaf of star!.leaves) assert.ok(workerIds.some((w) => w.startsWith(`${leaf.ip}:`)), `a worker at ${leaf.ip} in ${JSON.stringify(workerIds)}`);
  });

  test('a word count and a join across the namespaces give the plain-JS answer', async () => {
    driver.stdin!.write('run 1\n');
    assert.deepEqual(await fromDriver(), { phase: 'shuffle' });
    const r = await fromDriver();
    assert.deepEqual(r.answer, wordJoinReference(), JSON.stringify(r).slice(0, 500));
    assert.equal(r.lostTasks, 0);
  });

  test("a worker's link taken down mid-shuffle: it is lost, its work is redone on the other, and the answer is the same", async (t) => {
    driver.stdin!.write('run 20\n');
    assert.deepEqual(await fromDriver(), { phase: 'shuffle' });
    star!.linkDown(star!.leaves[0]!);
    const r = await fromDriver();
    assert.deepEqual(r.answer, wordJoinReference(), JSON.stringify(r).slice(0, 500));
    assert.ok((r.ms as number) < CUT_BOUND_MS, `the job took ${r.ms} ms`);
    t.diagnostic(`the job with a link cut took ${r.ms} ms; ${r.lostTasks} task(s) were lost with the worker`);
    const left = r.workers as string[];
    assert.deepEqual(left, workerIds.filter((w) => w.startsWith(`${star!.leaves[1]!.ip}:`)), 'only the worker whose link is up is left');
  });
});
