// Moving batches of records between threads: structured clone (postMessage of JS arrays)
// vs sluice's binary codec (src/serde/record-codec.ts, msgpackr) with transfer, vs
// v8.serialize with transfer, vs JSON (+TextEncoder) with transfer.
//
//   npm run build && node bench/codec.mjs
//
// Each trial sends RECORDS records in batches of BATCH from the main thread to a worker,
// pipelined (up to WINDOW batches in flight); the worker decodes each batch, touches every
// record (sums a numeric field, so lazily materialised data is really read) and acks.
// Time = first encode to last ack: encode + transfer + decode, both threads working.
// Also timed in one thread, without transfer: encode only, decode only.
//
// Env: RECORDS=1000000 BATCH=4096 WINDOW=8 RUNS=5 SLUICE=dist/src/index.js
import * as path from 'node:path';
import * as v8 from 'node:v8';
import { Worker } from 'node:worker_threads';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuWindow, machine, median } from './lib/machine.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const sluiceIndex = path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js');
const codecUrl = pathToFileURL(path.resolve(path.dirname(sluiceIndex), 'serde/record-codec.js')).href;
const { encodeBatch, decodeBatch } = await import(codecUrl);

const RECORDS = Number(process.env.RECORDS ?? 1_000_000);
const BATCH = Number(process.env.BATCH ?? 4096);
const WINDOW = Number(process.env.WINDOW ?? 8);
const RUNS = Number(process.env.RUNS ?? 5);

// ---------------------------------------------------------------- data
const WORDS = ['the', 'of', 'and', 'dictionary', 'webster', 'collaborative', 'international', 'a', 'noun', 'verb', 'etymology', 'x'];
function tuples(n, seed) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) out[i] = [`${WORDS[(i + seed) % WORDS.length]}${(i * 7919 + seed) % 100000}`, (i * 31 + seed) % 1000];
  return out;
}
const TAGS = ['red', 'green', 'blue', 'admin', 'beta', 'eu', 'us'];
function objects(n, seed) {
  const out = new Array(n);
  for (let i = 0; i < n; i++) {
    const k = i + seed;
    out[i] = { id: k, name: `user_${(k * 7919) % 1000003}`, score: (k % 1000) / 7, tags: TAGS.slice(k % 5, (k % 5) + (k % 4)) };
  }
  return out;
}
const SHAPES = { 'tuple [string, number]': tuples, 'object {id,name,score,tags[]}': objects };

// ---------------------------------------------------------------- methods
// `send` runs on the main thread: returns [message, transferList]. The worker side is in workerSrc.
const METHODS = {
  'structured clone': { send: (b) => [{ m: 'clone', b }, []], enc: (b) => b, dec: (x) => x },
  'sluice codec (msgpackr) + transfer': {
    send: (b) => {
      const u8 = encodeBatch(b);
      return [{ m: 'msgpack', u8 }, [u8.buffer]];
    },
    enc: (b) => encodeBatch(b),
    dec: (u8) => decodeBatch(u8),
  },
  'v8.serialize + transfer': {
    send: (b) => {
      const buf = ownBuffer(v8.serialize(b));
      return [{ m: 'v8', u8: buf }, [buf.buffer]];
    },
    enc: (b) => v8.serialize(b),
    dec: (u8) => v8.deserialize(u8),
  },
  'JSON + TextEncoder + transfer': {
    send: (b) => {
      const u8 = new TextEncoder().encode(JSON.stringify(b));
      return [{ m: 'json', u8 }, [u8.buffer]];
    },
    enc: (b) => new TextEncoder().encode(JSON.stringify(b)),
    dec: (u8) => JSON.parse(new TextDecoder().decode(u8)),
  },
};
/** A Uint8Array that owns its whole ArrayBuffer (so transferring it moves exactly these bytes). */
function ownBuffer(b) {
  if (b.byteOffset === 0 && b.byteLength === b.buffer.byteLength) return b;
  const c = new Uint8Array(b.byteLength);
  c.set(b);
  return c;
}

const workerSrc = `
const { parentPort, workerData } = require('node:worker_threads');
const v8 = require('node:v8');
let decodeBatch;
const touch = (recs) => { let s = 0; for (let i = 0; i < recs.length; i++) { const r = recs[i]; s += Array.isArray(r) ? r[1] + r[0].length : r.score + r.tags.length + r.name.length; } return s; };
parentPort.on('message', async (msg) => {
  if (msg.m === 'init') { ({ decodeBatch } = await import(workerData.codecUrl)); parentPort.postMessage({ ready: true }); return; }
  let recs;
  if (msg.m === 'clone') recs = msg.b;
  else if (msg.m === 'msgpack') recs = decodeBatch(msg.u8);
  else if (msg.m === 'v8') recs = v8.deserialize(msg.u8);
  else if (msg.m === 'json') recs = JSON.parse(new TextDecoder().decode(msg.u8));
  parentPort.postMessage({ n: recs.length, s: touch(recs) });
});
`;

function startWorker() {
  return new Promise((resolve, reject) => {
    const w = new Worker(workerSrc, { eval: true, workerData: { codecUrl } });
    w.once('error', reject);
    w.once('message', () => resolve(w));
    w.postMessage({ m: 'init' });
  });
}

/** Sends `batches` through `method`, pipelined; resolves with the number of records acked. */
function pump(worker, method, batches) {
  return new Promise((resolve, reject) => {
    let sent = 0;
    let acked = 0;
    let records = 0;
    const onErr = (e) => {
      worker.off('message', onMsg);
      reject(e);
    };
    const onMsg = (r) => {
      acked++;
      records += r.n;
      if (sent < batches.length) send();
      if (acked === batches.length) {
        worker.off('message', onMsg);
        worker.off('error', onErr);
        resolve(records);
      }
    };
    const send = () => {
      const [msg, transfer] = method.send(batches[sent++]);
      worker.postMessage(msg, transfer);
    };
    worker.on('message', onMsg);
    worker.once('error', onErr);
    for (let i = 0; i < WINDOW && sent < batches.length; i++) send();
  });
}

function batchesOf(shape, seed) {
  const all = SHAPES[shape](RECORDS, seed);
  const out = [];
  for (let i = 0; i < all.length; i += BATCH) out.push(all.slice(i, i + BATCH));
  return out;
}

// ---------------------------------------------------------------- run
console.log(`# codec  ${new Date().toISOString()}`);
console.log(`machine: ${machine()}`);
console.log(`${RECORDS} records per trial, batches of ${BATCH}, ${WINDOW} in flight, ${RUNS} runs (median)`);
const worker = await startWorker();
const rows = [];
for (const shape of Object.keys(SHAPES)) {
  const sample = SHAPES[shape](BATCH, 1);
  const bytes = {};
  for (const [name, m] of Object.entries(METHODS)) bytes[name] = name === 'structured clone' ? v8.serialize(sample).byteLength / BATCH : m.enc(sample).byteLength / BATCH;
  const times = Object.fromEntries(Object.keys(METHODS).map((k) => [k, { trip: [], enc: [], dec: [], other: [] }]));
  for (let run = 0; run < RUNS; run++) {
    // Rotate the order each run so no method always goes first after GC of the previous one.
    const names = Object.keys(METHODS);
    const order = names.slice(run % names.length).concat(names.slice(0, run % names.length));
    for (const name of order) {
      const m = METHODS[name];
      const batches = batchesOf(shape, run);
      const end = cpuWindow();
      const n = await pump(worker, m, batches);
      const cw = end();
      if (n !== RECORDS) throw new Error(`${name}: ${n} records arrived, expected ${RECORDS}`);
      times[name].trip.push(cw.wall);
      times[name].other.push(cw.otherCores);
      // single-thread encode and decode, no transfer
      let t = performance.now();
      const encoded = batches.map((b) => m.enc(b));
      times[name].enc.push((performance.now() - t) / 1000);
      if (name !== 'structured clone') {
        t = performance.now();
        for (const e of encoded) m.dec(e);
        times[name].dec.push((performance.now() - t) / 1000);
      } else {
        t = performance.now();
        for (const b of batches) structuredClone(b);
        times[name].dec.push((performance.now() - t) / 1000); // structuredClone = serialize + deserialize in one thread
      }
    }
  }
  for (const [name, t] of Object.entries(times)) {
    rows.push({ shape, name, bytes: bytes[name], trip: median(t.trip), enc: median(t.enc), dec: median(t.dec), trips: t.trip, other: median(t.other) });
  }
}
await worker.terminate();

const fmt = (x, d = 2) => x.toFixed(d);
const mrec = (s) => fmt(RECORDS / s / 1e6, 2);
console.log('\n## thread-to-thread (encode + postMessage/transfer + decode + touch), median');
console.log('| records | method | bytes/record | Mrecords/s | MB/s (of this format) | vs structured clone | runs (s) | other procs (cores) |');
console.log('|---|---|---:|---:|---:|---:|---|---:|');
for (const r of rows) {
  const base = rows.find((x) => x.shape === r.shape && x.name === 'structured clone');
  console.log(
    `| ${r.shape} | ${r.name} | ${fmt(r.bytes, 1)} | ${mrec(r.trip)} | ${fmt((r.bytes * RECORDS) / r.trip / 1e6, 0)} | ${fmt(base.trip / r.trip, 2)}× | ${r.trips.map((x) => fmt(x, 3)).join(', ')} | ${fmt(r.other, 2)} |`,
  );
}
console.log('\n## one thread, no transfer: encode only / decode only, median Mrecords/s');
console.log('| records | method | encode | decode |');
console.log('|---|---|---:|---:|');
for (const r of rows) {
  const dec = r.name === 'structured clone' ? `${mrec(r.dec)} (structuredClone(): ser+deser)` : mrec(r.dec);
  console.log(`| ${r.shape} | ${r.name} | ${r.name === 'structured clone' ? '–' : mrec(r.enc)} | ${dec} |`);
}
