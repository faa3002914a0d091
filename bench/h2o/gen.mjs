// Should the h2o data be cached on disk or regenerated for each run? Times, at N rows, (a) generating
// the tables in memory from the seed, (b) reading them back from an Arrow IPC file in bench/data
// (dictionary-encoded strings) into the same columnar form. run.mjs regenerates: see the printout.
//
//   node --import tsx bench/h2o/gen.mjs        # N=1e7 by default
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { tableFromIPC, tableToIPC, vectorFromArray, Dictionary, Utf8, Int32, makeTable } from 'apache-arrow';
import { h2oGroupBy, h2oJoin } from '../../test/frame/oracle/h2o-data.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const N = Number(process.env.N ?? 1e7);
const secs = (t0) => ((performance.now() - t0) / 1000).toFixed(2);

function toArrow(cols) {
  const vecs = {};
  for (const [name, c] of Object.entries(cols)) vecs[name] = Array.isArray(c) ? vectorFromArray(c, new Dictionary(new Utf8(), new Int32())) : vectorFromArray(c);
  return makeTable(vecs);
}
function fromArrow(table) {
  const out = {};
  for (const f of table.schema.fields) {
    const v = table.getChild(f.name);
    out[f.name] = f.type instanceof Dictionary || f.type instanceof Utf8 ? Array.from(v) : v.toArray();
  }
  return out;
}

for (const [task, gen] of [['groupby', () => ({ x: h2oGroupBy(N) })], ['join', () => h2oJoin(N)]]) {
  let t0 = performance.now();
  const tables = gen();
  const genS = secs(t0);
  let bytes = 0;
  let readS = 0;
  for (const [name, cols] of Object.entries(tables)) {
    const file = path.join(root, 'bench/data', `h2o-${task}-${N}-${name}.arrow`);
    fs.writeFileSync(file, tableToIPC(toArrow(cols), 'file'));
    bytes += fs.statSync(file).size;
    t0 = performance.now();
    const back = fromArrow(tableFromIPC(fs.readFileSync(file)));
    readS += (performance.now() - t0) / 1000;
    if (back[Object.keys(cols)[0]].length !== cols[Object.keys(cols)[0]].length) throw new Error(`${file}: wrong row count`);
    fs.unlinkSync(file);
  }
  console.log(`${task} N=${N}: generate ${genS} s; read back from Arrow IPC ${readS.toFixed(2)} s (${(bytes / 1e6).toFixed(0)} MB)`);
}
