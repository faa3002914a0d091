import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { Session, SluiceError } from '../../../src/index.js';

// Rows without columns survive JSON lines (`{}`) and Arrow files; CSV and Parquet files cannot hold them,
// so writing them there is an error before anything is written (Spark refuses such writes too).
test('writing rows without columns: JSON lines and Arrow read back every row, CSV and Parquet refuse', async () => {
  const s = await Session.local({ master: 'local[2]' });
  const dir = mkdtempSync(join(tmpdir(), 'sluice-zero-col-writes-'));
  try {
    for (const n of [0, 1, 57]) {
      const df = s.createDataFrame({ a: Array.from({ length: n }, (_, i) => i), p: Array.from({ length: n }, (_, i) => i % 3) }, { schema: { a: 'int32', p: 'int32' }, numPartitions: 3 });
      const out = (name: string) => join(dir, `${name}-${n}`);
      await df.select().write.jsonLines(out('json'));
      await df.select().write.arrow(out('arrow'));
      if (n > 0) {
        // (Empty files give no schema to read back.)
        assert.equal(await s.read.jsonLines(out('json')).count(), n);
        assert.equal(await s.read.arrow(out('arrow')).count(), n);
      }
      for (const format of ['csv', 'parquet'] as const) {
        await assert.rejects(df.select().write[format](out(format)), (e: unknown) => e instanceof SluiceError && /without columns .* select at least one column/.test(e.message));
        await assert.rejects(df.select('p').write[format](out(`${format}-by`), { partitionBy: ['p'] }), /only the partitionBy columns \(p\)/);
        assert.equal(existsSync(out(format)) || existsSync(out(`${format}-by`)), false, 'nothing written');
        await df.write[format](out(`${format}-ok`), { partitionBy: ['p'] });
        if (n > 0) assert.equal(await (format === 'csv' ? s.read.csv(out(`${format}-ok`)) : s.read.parquet(out(`${format}-ok`))).count(), n, 'a column besides the folders is enough');
      }
    }
    assert.equal(await s.createDataFrame([{ a: 1 }]).count(), 1, 'the session is still usable');
  } finally {
    await s.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});
