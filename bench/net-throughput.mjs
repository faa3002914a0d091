// Data-plane throughput between two "hosts": a raw Node TCP stream vs sluice's BlockClient
// fetching a block from a block server (HMAC handshake, frames, msgpack, bounded in-flight
// bytes), between two network namespaces joined by a veth pair, in the same run.
// Issue 11's target: BlockClient ≥ 0.5× the raw stream.
//
//   npm run build && sudo node bench/net-throughput.mjs
//
// Without root (or without `ip netns`) it runs over loopback and says so.
// Env: BYTES=268435456 RUNS=5 MAX_IN_FLIGHT=50331648
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { machine, median } from './lib/machine.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const testDir = path.resolve(root, 'dist/test/backend/net');
const { createNetnsPair, netnsUnavailable } = await import(pathToFileURL(path.join(testDir, 'netns.js')).href);
const BYTES = Number(process.env.BYTES ?? 256 * 2 ** 20);
const RUNS = Number(process.env.RUNS ?? 5);
const MAX_IN_FLIGHT = Number(process.env.MAX_IN_FLIGHT ?? 48 * 2 ** 20);
const env = { ...process.env, SLUICE_TEST_SECRET: 'bench secret' };

const why = netnsUnavailable();
const pair = why ? undefined : createNetnsPair();
const hostA = pair ? pair.a.ip : '127.0.0.1';
const run = (where, args) =>
  pair ? pair.spawn(where === 'a' ? pair.a : pair.b, process.execPath, args, { env }) : spawn(process.execPath, args, { env, stdio: ['pipe', 'pipe', 'inherit'] });
const firstLine = async (child) => {
  for await (const line of createInterface({ input: child.stdout })) return JSON.parse(line);
  throw new Error('child exited without answering');
};

try {
  console.log(`# net throughput: ${machine()}`);
  console.log(`# ${pair ? `namespaces ${pair.a.name} (${pair.a.ip}) -> ${pair.b.name} (${pair.b.ip}) over veth` : `loopback (${why})`}; ${BYTES} bytes, ${RUNS} runs, maxBytesInFlight ${MAX_IN_FLIGHT}`);
  const owner = run('a', [path.join(testDir, 'fixtures/block-owner.js'), '--host', hostA, '--bytes', String(BYTES), '--raw']);
  const { port, rawPort } = await firstLine(owner);
  const common = [path.join(testDir, 'fixtures/block-fetcher.js'), '--host', hostA, '--bytes', String(BYTES)];
  const raw = [];
  const blocks = [];
  for (let r = 0; r < RUNS; r++) {
    // Alternate, so both see the same background load.
    const a = await firstLine(run('b', [...common, '--raw-port', String(rawPort)]));
    const b = await firstLine(run('b', [...common, '--port', String(port), '--max-in-flight', String(MAX_IN_FLIGHT)]));
    if (!a.ok || !b.ok || a.sha256 !== b.sha256) throw new Error(`bad run: ${JSON.stringify({ a, b })}`);
    raw.push(BYTES / 2 ** 20 / (a.ms / 1000));
    blocks.push(BYTES / 2 ** 20 / (b.ms / 1000));
    console.log(`run ${r + 1}: raw TCP ${raw[r].toFixed(0)} MiB/s, BlockClient ${blocks[r].toFixed(0)} MiB/s`);
  }
  owner.stdin.end();
  const ratio = median(blocks) / median(raw);
  console.log(`median: raw TCP ${median(raw).toFixed(0)} MiB/s, BlockClient ${median(blocks).toFixed(0)} MiB/s, ratio ${ratio.toFixed(2)}x (target >= 0.5x)`);
} finally {
  pair?.remove();
}
