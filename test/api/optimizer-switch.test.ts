import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Session } from '../../src/index.js';

test('setOptimizerEnabled(false) runs the plan as written, with the same answer', async () => {
  const s = await Session.local({ master: 'inline' });
  try {
    const data = { k: [1, 2, 3, null, 5], x: [10, 20, null, 40, 50] };
    s.createDataFrame(data, { schema: { k: 'int32', x: 'int32' }, numPartitions: 2 }).createOrReplaceTempView('t');
    const sql = 'SELECT k FROM (SELECT k, x FROM t) AS q WHERE q.x > 15';
    const on = s.sql(sql);
    assert.match(on.explainString(), /Scan: df[^\n]*filters=\[x > 15\]/);
    const expected = await on.collect();
    s.setOptimizerEnabled(false);
    const off = s.sql(sql);
    assert.doesNotMatch(off.explainString(), /filters=\[/);
    assert.deepEqual(await off.collect(), expected);
    s.setOptimizerEnabled(true);
    assert.match(s.sql(sql).explainString(), /filters=\[x > 15\]/);
  } finally {
    await s.stop();
  }
});
