// Word count: sluice local[1] / local[2] vs a hand-written single-thread Node loop vs a
// coreutils pipeline, on one machine, one file, in one run. Reports MB/s and ratios.
//
//   bash bench/setup-corpus.sh && npm run build
//   node bench/wordcount.mjs                       # bench/data/corpus.txt, 3 runs each
//
// Env:
//   CORPUS=path      input file (default bench/data/corpus.txt)
//   RUNS=3           timed runs per method (median reported)
//   PARTS=16         minPartitions for both sluice runs (default: 2 x workers, which the 64 MiB
//                    split cap raises to ceil(size / 64 MiB) on big files)
//   SWEEP=2,16,32,64 instead of the main comparison, time sluice local[1]/local[2] at these minPartitions
//   TR_RUNS=1        runs of the coreutils pipeline (0 to skip; it sorts every word and is slow)
//   METHODS=hand,s1,s2,tr   subset to run
//   SLUICE=path      the engine's index.js (default dist/src/index.js)
import * as fs from 'node:fs';
import * as path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { cpuWindow, machine, median, waitForQuiet } from './lib/machine.mjs';
import { sluiceWordCount, summary } from './lib/wordcount-job.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { Session } = await import(pathToFileURL(path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js')).href);

const CORPUS = path.resolve(root, process.env.CORPUS ?? 'bench/data/corpus.txt');
const RUNS = Number(process.env.RUNS ?? 3);
const TR_RUNS = Number(process.env.TR_RUNS ?? 1);
const METHODS = new Set((process.env.METHODS ?? 'hand,s1,s2,tr').split(','));
if (!fs.existsSync(CORPUS)) {
  console.error(`no corpus at ${CORPUS}: run bash bench/setup-corpus.sh first`);
  process.exit(1);
}
const SIZE = fs.statSync(CORPUS).size;
const MB = SIZE / 1e6; // MB/s = decimal megabytes of input per second

const fmt = (x, d = 2) => x.toFixed(d);
const log = (...a) => console.log(...a);

// ---------------------------------------------------------------- the reference loop
// Big reads (1 MiB: measured faster than 8 MiB, less GC pressure), cut at the last '\n' so no
// word and no UTF-8 sequence straddles a chunk; decode, lowercase, one hoisted /[a-z]+/g
// exec loop (measured faster than String.prototype.match, which builds a big array), Map counts.
const WORD = /[a-z]+/g;
function handWordCount(file) {
  const CHUNK = 1024 * 1024;
  const fd = fs.openSync(file, 'r');
  let buf = Buffer.allocUnsafe(CHUNK);
  const counts = new Map();
  let carry = 0; // bytes at buf[0, carry) left over from the last read (after the last '\n')
  let pos = 0;
  try {
    for (;;) {
      if (buf.length - carry < CHUNK / 2) {
        const bigger = Buffer.allocUnsafe(buf.length * 2); // a line longer than the buffer
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const n = fs.readSync(fd, buf, carry, buf.length - carry, pos);
      pos += n;
      const len = carry + n;
      if (len === 0) break;
      const cut = n === 0 ? len : buf.lastIndexOf(0x0a, len - 1) + 1;
      if (cut > 0) {
        const text = buf.toString('utf8', 0, cut).toLowerCase();
        WORD.lastIndex = 0;
        for (let m; (m = WORD.exec(text)) !== null; ) {
          const w = m[0];
          counts.set(w, (counts.get(w) ?? 0) + 1);
        }
      }
      buf.copy(buf, 0, cut, len);
      carry = len - cut;
      if (n === 0) break;
    }
  } finally {
    fs.closeSync(fd);
  }
  return counts;
}

// ---------------------------------------------------------------- coreutils
function trPipeline(file) {
  // `times` prints the pipeline's CPU (children user, sys) on stderr, for the CPU accounting.
  const cmd = `tr -cs 'A-Za-z' '\\n' < '${file}' | tr 'A-Z' 'a-z' | sort | uniq -c; rc=$?; times >&2; exit $rc`;
  return new Promise((resolve, reject) => {
    const p = spawn('bash', ['-o', 'pipefail', '-c', cmd], { env: { ...process.env, LC_ALL: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    let err = '';
    p.stdout.on('data', (c) => chunks.push(c));
    p.stderr.on('data', (c) => (err += c));
    p.on('error', reject);
    p.on('close', (code) => {
      if (code !== 0) return reject(new Error(`pipeline exited ${code}: ${err}`));
      const t = [...err.matchAll(/(\d+)m([\d.]+)s/g)].map((m) => Number(m[1]) * 60 + Number(m[2]));
      const childCpu = t.length >= 4 ? t[2] + t[3] : 0; // second line of `times`: children
      const counts = [];
      for (const line of Buffer.concat(chunks).toString('latin1').split('\n')) {
        const m = /^\s*(\d+) ([a-z]+)$/.exec(line);
        if (m) counts.push([m[2], Number(m[1])]);
      }
      resolve({ counts, childCpu });
    });
  });
}

// ---------------------------------------------------------------- driver
const results = {}; // name -> { times: [], summary }
function record(name, cpu, sum, extra = '') {
  const ms = cpu.wall * 1000;
  const r = (results[name] ??= { times: [], summaries: [], other: [], own: [] });
  r.times.push(ms);
  r.summaries.push(sum);
  r.other.push(cpu.otherCores);
  r.own.push(cpu.own / cpu.wall);
  log(
    `  ${name.padEnd(28)} ${fmt(ms / 1000, 2).padStart(7)} s  ${fmt(MB / (ms / 1000), 1).padStart(7)} MB/s  ` +
      `own cpu ${fmt(cpu.own / cpu.wall, 2)} cores, others ${fmt(cpu.otherCores, 2)} cores  distinct=${sum.distinct} words=${sum.total}${extra}`,
  );
}

async function timeSluice(name, master, minPartitions, runs) {
  const t0 = performance.now();
  const s = await Session.local({ master });
  const startMs = performance.now() - t0;
  log(`  (${master} session start ${fmt(startMs, 0)} ms, not in the timings)`);
  try {
    for (let i = 0; i < runs; i++) {
      await waitForQuiet();
      const end = cpuWindow();
      const { counts, partitions } = await sluiceWordCount(s, CORPUS, minPartitions);
      record(name, end(), summary(counts), `  partitions=${partitions}`);
    }
  } finally {
    await s.stop();
  }
}

log(`# word count  ${new Date().toISOString()}`);
log(`machine: ${machine()}`);
log(`corpus: ${CORPUS}  ${SIZE} bytes (${fmt(MB, 1)} MB)`);

if (process.env.SWEEP) {
  const values = process.env.SWEEP.split(',').map(Number);
  for (const master of ['local[1]', 'local[2]']) {
    for (const mp of values) {
      await timeSluice(`sluice ${master} mp=${mp}`, master, mp, RUNS);
    }
  }
} else {
  const parts1 = process.env.PARTS ? Number(process.env.PARTS) : 2;
  const parts2 = process.env.PARTS ? Number(process.env.PARTS) : 4;
  // Interleave methods round by round so machine noise hits them alike.
  const sessions = {};
  if (METHODS.has('s1')) sessions.s1 = await Session.local({ master: 'local[1]' });
  if (METHODS.has('s2')) sessions.s2 = await Session.local({ master: 'local[2]' });
  try {
    for (let r = 0; r < RUNS; r++) {
      log(`round ${r + 1}/${RUNS}`);
      if (METHODS.has('hand')) {
        await waitForQuiet();
        const end = cpuWindow();
        const counts = handWordCount(CORPUS);
        record('hand loop (1 thread)', end(), summary(counts));
      }
      if (METHODS.has('s1')) {
        await waitForQuiet();
        const end = cpuWindow();
        const { counts, partitions } = await sluiceWordCount(sessions.s1, CORPUS, parts1);
        record('sluice local[1]', end(), summary(counts), `  partitions=${partitions}`);
      }
      if (METHODS.has('s2')) {
        await waitForQuiet();
        const end = cpuWindow();
        const { counts, partitions } = await sluiceWordCount(sessions.s2, CORPUS, parts2);
        record('sluice local[2]', end(), summary(counts), `  partitions=${partitions}`);
      }
    }
  } finally {
    for (const s of Object.values(sessions)) await s.stop();
  }
  if (METHODS.has('tr')) {
    for (let r = 0; r < TR_RUNS; r++) {
      await waitForQuiet();
      const end = cpuWindow();
      const { counts, childCpu } = await trPipeline(CORPUS);
      record('tr|sort|uniq -c (LC_ALL=C)', end(childCpu), summary(counts));
    }
  }
}

// ---------------------------------------------------------------- report
log('\n## results (median of runs)');
log('| method | runs | median s | MB/s | vs hand loop | times (s) | own CPU (cores) | other procs (cores) |');
log('|---|---:|---:|---:|---:|---|---|---|');
const handMed = results['hand loop (1 thread)'] ? median(results['hand loop (1 thread)'].times) : undefined;
for (const [name, r] of Object.entries(results)) {
  const m = median(r.times);
  const vs = handMed ? `${fmt(handMed / m, 2)}×` : '–';
  const list = (xs, d) => xs.map((t) => fmt(t, d)).join(', ');
  log(`| ${name} | ${r.times.length} | ${fmt(m / 1000, 2)} | ${fmt(MB / (m / 1000), 1)} | ${vs} | ${list(r.times.map((t) => t / 1000), 2)} | ${list(r.own, 2)} | ${list(r.other, 2)} |`);
}

// agreement: every run of every method has the same distinct count, total and top 10
const all = Object.entries(results).flatMap(([name, r]) => r.summaries.map((s) => ({ name, ...s })));
const ref = all[0];
const bad = all.filter((x) => x.distinct !== ref.distinct || x.total !== ref.total || x.top10 !== ref.top10);
log(`\ncheck: ${bad.length === 0 ? 'OK' : 'MISMATCH'} — ${all.length} runs agree on distinct=${ref.distinct}, words=${ref.total}`);
log(`top10: ${ref.top10}`);
for (const b of bad) log(`  differs: ${b.name} distinct=${b.distinct} words=${b.total} top10=${b.top10}`);

const s1 = results['sluice local[1]'];
const s2 = results['sluice local[2]'];
if (handMed && s1) {
  const r = handMed / median(s1.times);
  log(`target sluice local[1] >= 0.6x hand loop: ${fmt(r, 2)}x -> ${r >= 0.6 ? 'MET' : 'NOT MET'}`);
}
if (s1 && s2) {
  const r = median(s1.times) / median(s2.times);
  log(`target sluice local[2] >= 1.7x local[1]: ${fmt(r, 2)}x -> ${r >= 1.7 ? 'MET' : 'NOT MET'}`);
}
if (bad.length) process.exitCode = 1;
