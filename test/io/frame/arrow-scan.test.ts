import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { Float64, Int32, RecordBatch, Table, Utf8, tableFromArrays, tableToIPC, vectorFromArray } from 'apache-arrow';
import { planFileScan } from '../../../src/io/frame/scan-planner.js';
import { scanAll, tempDir } from './scan-helpers.js';

const dir = tempDir();

function twoBatchTable(): Table {
  const a = tableFromArrays({ id: Int32Array.from([1, 2]), v: Float64Array.from([0.5, 1.5]) });
  const names = vectorFromArray(['x', null], new Utf8());
  const b1 = new RecordBatch({ id: a.getChild('id')!.data[0]!, v: a.getChild('v')!.data[0]!, name: names.data[0]! });
  const ids = vectorFromArray([3], new Int32());
  const vs = vectorFromArray([null], new Float64());
  const b2 = new RecordBatch({ id: ids.data[0]!, v: vs.data[0]!, name: vectorFromArray(['z'], new Utf8()).data[0]! });
  return new Table([b1, b2]);
}

for (const kind of ['file', 'stream'] as const) {
  test(`Arrow IPC ${kind}: one unit per record batch, types and nulls preserved`, () => {
    const p = path.join(dir, `t.${kind}.arrow`);
    fs.writeFileSync(p, tableToIPC(twoBatchTable(), kind));
    const plan = planFileScan('arrow', p, { splitBytes: 1 });
    assert.deepEqual(plan.schema.fields.map((f) => [f.name, f.type]), [['id', 'int32'], ['v', 'float64'], ['name', 'string']]);
    assert.equal(plan.partitions.length, 2);
    const r = scanAll('arrow', p, { splitBytes: 1 }, ['name', 'id', 'v']);
    assert.deepEqual(r.rows, [
      { name: 'x', id: 1, v: 0.5 },
      { name: null, id: 2, v: 1.5 },
      { name: 'z', id: 3, v: null },
    ]);
  });
}
