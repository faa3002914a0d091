// Profile one sluice local[1] word count (for diagnosis, not a benchmark):
//   CORPUS=bench/data/corpus-200m.txt node --cpu-prof --cpu-prof-dir=bench/out/prof bench/profile-wordcount.mjs
//   node bench/profile-summary.mjs bench/out/prof          # top self-time functions per thread
// (head -c 200000000 bench/data/corpus.txt > bench/data/corpus-200m.txt makes the 200 MB input.)
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const { Session } = await import(pathToFileURL(path.resolve(root, process.env.SLUICE ?? 'dist/src/index.js')).href);
const file = path.resolve(root, process.env.CORPUS ?? 'bench/data/corpus-200m.txt');
const s = await Session.local({ master: process.env.MASTER ?? 'local[1]' });
const t = performance.now();
const r = await s
  .textFile(file, { minPartitions: Number(process.env.PARTS ?? 2) })
  .flatMap((line) => line.toLowerCase().match(/[a-z]+/g) ?? [])
  .map((w) => [w, 1])
  .reduceByKey((a, b) => a + b)
  .collect();
console.log(`${r.length} distinct words in ${((performance.now() - t) / 1000).toFixed(2)} s`);
await s.stop();
