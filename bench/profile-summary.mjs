// Summarises .cpuprofile files (node --cpu-prof): top self-time functions per profile.
//   node bench/profile-summary.mjs DIR [TOP=25]
import * as fs from 'node:fs';
import * as path from 'node:path';
const dir = process.argv[2] ?? 'bench/out/prof';
const top = Number(process.argv[3] ?? 25);
for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cpuprofile')).sort()) {
  const p = JSON.parse(fs.readFileSync(path.join(dir, f), 'utf8'));
  const byId = new Map(p.nodes.map((n) => [n.id, n]));
  const self = new Map();
  const dt = p.timeDeltas;
  for (let i = 0; i < p.samples.length; i++) {
    const n = byId.get(p.samples[i]);
    const cf = n.callFrame;
    const key = `${cf.functionName || '(anonymous)'}  ${cf.url ? path.basename(cf.url) + ':' + (cf.lineNumber + 1) : ''}`;
    self.set(key, (self.get(key) ?? 0) + (dt[i + 1] ?? dt[i] ?? 0));
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  console.log(`\n## ${f}: ${(total / 1e6).toFixed(2)} s sampled`);
  console.log('| self ms | % | function |\n|---:|---:|---|');
  for (const [k, us] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`| ${(us / 1000).toFixed(0)} | ${((100 * us) / total).toFixed(1)} | ${k} |`);
}
