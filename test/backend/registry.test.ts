import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InlineBackend } from '../../src/backend/inline-backend.js';
import { backendSchemes, memoryPerWorker, registerBackend, Session, SluiceError } from '../../src/index.js';

test('inline and local are registered; an unknown scheme is an error listing the known ones', async () => {
  assert.ok(backendSchemes().includes('inline') && backendSchemes().includes('local'));
  await assert.rejects(Session.local({ master: 'nosuch[3]' }), (e: Error) => {
    assert.ok(e instanceof SluiceError);
    assert.match(e.message, /unknown master "nosuch\[3\]": the registered backends are .*inline.*local, local\[N\], local\[\*\]/);
    return true;
  });
  await assert.rejects(Session.local({ master: 'local[x]' }), /unknown master "local\[x\]": use local, local\[N\] or local\[\*\]/);
});

test('a registered scheme makes its backend from the master string, with the session options', async () => {
  const made: Array<{ master: string; memory: number; preload: number }> = [];
  registerBackend('test-inline', {
    usage: 'test-inline[N]',
    parse: (m) => {
      if (!/^test-inline\[\d+\]$/.test(m)) throw new SluiceError(`bad test master ${m}`);
    },
    create: (master, opts) => {
      const memory = memoryPerWorker(opts.memory, 1);
      made.push({ master, memory, preload: opts.preload.length });
      return { backend: new InlineBackend({ memoryPerWorker: memory }), parallelism: Number(/\d+/.exec(master)![0]) };
    },
  });
  const s = await Session.local({ master: 'test-inline[3]', memory: '1m' });
  try {
    assert.equal(s.master, 'inline');
    assert.equal(s.defaultParallelism, 3);
    assert.deepEqual(await s.range(10).map((x) => x * 2).collect(), [0, 2, 4, 6, 8, 10, 12, 14, 16, 18]);
  } finally {
    await s.stop();
  }
  assert.deepEqual(made, [{ master: 'test-inline[3]', memory: 1 << 20, preload: 1 }]);
  await assert.rejects(Session.local({ master: 'test-inline' }), /bad test master test-inline/);
  assert.throws(() => registerBackend('Bad Scheme', made as never), /invalid backend scheme/);
});
