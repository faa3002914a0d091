/**
 * processes[2] sends a stage's pipeline to each worker once, with the first task of the stage
 * there, not with every task (it holds per-partition plan data: P tasks would carry P^2 entries),
 * and tells each worker to drop it when the stage ends. Counted on the driver's control messages.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { Session } from '../../../src/index.js';

interface Sent {
  worker: string;
  t: string;
  stage?: boolean;
  pipeline?: number;
  pipelines?: number[];
}

let s: Session;
const sent: Sent[] = [];

before(async () => {
  s = await Session.local({ master: 'processes[2]' });
  const cluster = (s as unknown as { engine: { driver: { backend: { cluster: { send(m: { id: string }, msg: Record<string, unknown>): void } } } } }).engine.driver.backend.cluster;
  const send = cluster.send.bind(cluster);
  cluster.send = (member, msg) => {
    const p = msg.payload as { stage?: unknown; pipeline?: number } | undefined;
    if (msg.t === 'launch') sent.push({ worker: member.id, t: 'launch', stage: p?.stage !== undefined, pipeline: p?.pipeline });
    if (msg.t === 'forget') sent.push({ worker: member.id, t: 'forget', pipelines: msg.pipelines as number[] });
    send(member, msg);
  };
});
after(() => s.stop());

test('a stage of 40 tasks sends its pipeline at most once per worker, and every worker that got it is told to forget it', async () => {
  sent.length = 0;
  const data = Array.from({ length: 4000 }, (_, i) => i);
  assert.equal(await s.parallelize(data, 40).map((x) => x * 2).reduce((a, b) => a + b), 2 * data.reduce((a, b) => a + b, 0));
  const launches = sent.filter((m) => m.t === 'launch');
  assert.equal(launches.length, 40);
  const withStage = launches.filter((m) => m.stage);
  const workers = new Set(launches.map((m) => m.worker));
  assert.equal(withStage.length, workers.size, `pipelines sent: ${withStage.length}, to ${workers.size} worker(s)`);
  const pipeline = launches[0]!.pipeline!;
  assert.ok(launches.every((m) => m.pipeline === pipeline));
  // Released when the stage (and the job) ends: each worker that held it is told so, once.
  for (let i = 0; i < 50 && sent.filter((m) => m.t === 'forget').length < workers.size; i++) await new Promise((r) => setTimeout(r, 20));
  const forgets = sent.filter((m) => m.t === 'forget' && m.pipelines!.includes(pipeline));
  assert.deepEqual(forgets.map((m) => m.worker).sort(), [...workers].sort());
});

test('a shuffle job gives the right answer with pipelines sent once per worker and stage (a later job sends them again)', async () => {
  for (let round = 0; round < 2; round++) {
    sent.length = 0;
    const words = Array.from({ length: 3000 }, (_, i) => `w${i % 37}`);
    const counts = await s.parallelize(words, 12).map((w): [string, number] => [w, 1]).reduceByKey((a, b) => a + b, undefined, 6).collect();
    assert.deepEqual(new Map(counts), new Map(Array.from({ length: 37 }, (_, k) => [`w${k}`, words.filter((w) => w === `w${k}`).length])));
    const launches = sent.filter((m) => m.t === 'launch');
    assert.equal(launches.length, 18);
    const firsts = new Set(launches.filter((m) => m.stage).map((m) => `${m.worker} ${m.pipeline}`));
    assert.equal(firsts.size, launches.filter((m) => m.stage).length, 'no pipeline twice to one worker');
    assert.equal(firsts.size, new Set(launches.map((m) => `${m.worker} ${m.pipeline}`)).size, 'each (worker, stage) got its pipeline');
  }
});
